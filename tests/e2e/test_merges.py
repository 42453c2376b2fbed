"""Merges a person can undo (#11): 0 另报 within the window, a convener's 拆分 and 合并, through /wechat."""

from __future__ import annotations

from typing import Any

import pytest

from bot.clock import FrozenClock
from bot.simulator.fake_wechat import FakeWeChatAPI
from tests.wx import WeChatSender

pytestmark = pytest.mark.usefixtures("demo")

BIKES = "门口共享单车堆成山，进出都困难"
BIKES_AGAIN = "大门口的共享单车堆成山了，进不去"


async def _joined(wx: WeChatSender) -> str:
    alice, bob = wx.reporter("o_alice"), wx.reporter("o_bob")
    await alice.follows("kdk")
    await bob.follows("kdk")
    await alice.says(BIKES)
    return await bob.says(BIKES_AGAIN)


async def test_a_joined_complaint_says_so_and_offers_to_file_it_alone(wx: WeChatSender) -> None:
    joined = await _joined(wx)
    assert "#1" in joined and "已有 2 人反映" in joined and "10 分钟内回复 0 另报" in joined


async def test_answering_0_files_the_complaint_as_its_own_issue(wx: WeChatSender) -> None:
    await _joined(wx)
    answer = await wx.reporter("o_bob").says("0")
    assert "已从 #1 撤出" in answer and "#2" in answer
    assert "1 人反映" in await wx.reporter("o_alice").says("进度 1")
    own = await wx.reporter("o_bob").says("进度 2")
    assert BIKES_AGAIN in own and "凯迪克大厦" in own


async def test_0_after_the_window_is_refused_with_what_to_do(wx: WeChatSender, clock: FrozenClock) -> None:
    await _joined(wx)
    clock.advance(minutes=11)
    answer = await wx.reporter("o_bob").says("0 另报")
    assert "已超过 10 分钟" in answer and "拆分" in answer
    assert "您已在 #1 上" in await wx.reporter("o_bob").says("附议 1")


async def test_0_without_a_join_is_not_filed_as_a_complaint(wx: WeChatSender) -> None:
    await wx.reporter("o_alice").follows("kdk")
    assert "没有可以另报的附议" in await wx.reporter("o_alice").says("0")


async def test_a_convener_lists_and_splits_a_supporters_complaint(
    wx: WeChatSender, jobs: Any, fake_wechat: FakeWeChatAPI, clock: FrozenClock
) -> None:
    await _joined(wx)
    conv = wx.reporter("o_conv_kdk")
    listing = await conv.says("拆分 1")
    assert "1." in listing and BIKES_AGAIN in listing
    done = await conv.says("拆分 #1 1")
    assert "拆出 #2" in done
    await jobs.dispatch_outbox()
    assert any("已从 #1 拆出，单独登记为 #2" in m for m in fake_wechat.sent_to("o_bob"))
    assert "拆出 #2" in await wx.reporter("o_alice").says("进度 1")


async def test_a_convener_merges_one_issue_into_another_and_everyone_on_it_is_told(
    wx: WeChatSender, jobs: Any, fake_wechat: FakeWeChatAPI
) -> None:
    alice, bob, carol = wx.reporter("o_alice"), wx.reporter("o_bob"), wx.reporter("o_carol")
    for person in (alice, bob, carol):
        await person.follows("kdk")
    await alice.says("电梯又坏了，十几层要爬楼梯")
    await bob.says("食堂的菜太咸了")  # a different issue (#2) that turns out to be the same as #3
    await carol.says("附议 2")
    done = await wx.reporter("o_conv_kdk").says("合并 1 2")
    assert "已将 #2 并入 #1" in done and "2 人" in done
    await jobs.dispatch_outbox()
    for person in ("o_bob", "o_carol"):
        assert any("已并入 #1" in m for m in fake_wechat.sent_to(person))
    assert "已合并" in await bob.says("进度 2")
    assert "3 人反映" in await alice.says("进度 1")
    await wx.reporter("o_conv_kdk").says("受理 1")
    await jobs.dispatch_outbox()
    assert any("#1" in m and "受理" in m for m in fake_wechat.sent_to("o_carol"))


async def test_merging_needs_both_numbers_and_open_issues(wx: WeChatSender) -> None:
    alice, conv = wx.reporter("o_alice"), wx.reporter("o_conv_kdk")
    await alice.follows("kdk")
    await alice.says("电梯又坏了")
    assert "合并格式" in await conv.says("合并 1")
    assert "不能并入自己" in await conv.says("合并 1 1")
    await alice.says("撤回 1")
    await alice.says("空调不制冷")
    assert "不能合并" in await conv.says("合并 2 1")


async def test_someone_not_responsible_cannot_merge(wx: WeChatSender) -> None:
    alice = wx.reporter("o_alice")
    await alice.follows("kdk")
    await alice.says("电梯又坏了")
    await alice.says("空调不制冷")
    assert "您不负责 #1" in await wx.reporter("o_conv_hlgc").says("合并 1 2")
