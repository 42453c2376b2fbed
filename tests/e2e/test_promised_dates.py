"""Dates people can hold you to, and reply templates (#11), through /wechat. The test clock starts on
Monday 2026-11-02, 09:00 in Shanghai; 电梯 issues (物业设施) are resolved within 7 working days."""

from __future__ import annotations

from typing import Any

import pytest

from bot.clock import FrozenClock
from bot.simulator.fake_wechat import FakeWeChatAPI
from handlers import reply_templates, workdays
from tests.wx import WeChatSender

pytestmark = pytest.mark.usefixtures("demo")
LIFT = "电梯又坏了，十几层要爬楼梯"


async def _accepted(wx: WeChatSender, note: str = "") -> str:
    alice, bob, conv = wx.reporter("o_alice"), wx.reporter("o_bob"), wx.reporter("o_conv_kdk")
    await alice.follows("kdk")
    await bob.follows("kdk")
    await alice.says(LIFT)
    await bob.says("附议 1")
    return await conv.says(f"受理 1 {note}".strip())


async def test_a_bare_acceptance_tells_everyone_a_full_sentence_with_the_date(
    wx: WeChatSender, jobs: Any, fake_wechat: FakeWeChatAPI
) -> None:
    done = await _accepted(wx)
    assert "已受理 #1" in done and "预计 11月11日 前办结" in done  # the member sees what was sent
    await jobs.dispatch_outbox()
    for person in ("o_alice", "o_bob"):
        assert any(
            "已被「凯迪克大厦」楼务会受理，预计 11月11日 前办结" in m for m in fake_wechat.sent_to(person)
        )


async def test_progress_shows_the_expected_date(wx: WeChatSender) -> None:
    await _accepted(wx)
    assert "预计 11月11日 前办结" in await wx.reporter("o_alice").says("进度 1")
    assert "预计 11月11日 前办结" in await wx.reporter("o_alice").says("进度")


async def test_escalation_moves_the_date_and_says_why(
    wx: WeChatSender, jobs: Any, fake_wechat: FakeWeChatAPI, clock: FrozenClock
) -> None:
    await _accepted(wx)
    clock.advance(days=3)  # Thursday 11-05: seven working days from then end on Monday 11-16
    await wx.reporter("o_alice").says("进度")  # Alice's window stays open
    assert "上报" in await wx.reporter("o_conv_kdk").says("上报 1")
    await jobs.dispatch_outbox()
    [moved] = [m for m in fake_wechat.sent_to("o_alice") if "改为" in m]
    assert "由 11月11日 改为 11月16日" in moved and "已上报" in moved
    assert "预计办结日期调整" in await wx.reporter("o_alice").says("进度 1")


async def test_a_transfer_moves_the_date_and_says_to_whom(
    wx: WeChatSender, jobs: Any, fake_wechat: FakeWeChatAPI, clock: FrozenClock
) -> None:
    await _accepted(wx)
    clock.advance(days=1)
    await wx.reporter("o_alice").says("进度")
    await wx.reporter("o_conv_kdk").says("转派 1 博华大厦 电梯归博华物业")
    await jobs.dispatch_outbox()
    assert any("改为 11月12日（转派给博华大厦" in m for m in fake_wechat.sent_to("o_alice"))


async def test_a_holiday_the_admins_add_moves_the_promised_date(wx: WeChatSender, sessionmaker: Any) -> None:
    extra = '[2026]\noff = ["2026-10-01/2026-10-07", "2026-11-05"]\n'  # replaces the package's 2026
    async with sessionmaker.begin() as session:
        await workdays.save(session, extra, "test", wx.clock.now(), "test")
    assert "预计 11月12日 前办结" in await _accepted(wx)


async def test_a_categorys_own_template_is_used_for_a_bare_resolution(
    wx: WeChatSender, jobs: Any, fake_wechat: FakeWeChatAPI, sessionmaker: Any
) -> None:
    async with sessionmaker.begin() as session:
        await reply_templates.save(
            session,
            "facilities",
            "resolved",
            "{category}问题已由物业修复，请核实。{note}",
            "test",
            wx.clock.now(),
        )
    await _accepted(wx)
    await wx.reporter("o_conv_kdk").says("办结 1")
    await jobs.dispatch_outbox()
    [done] = [m for m in fake_wechat.sent_to("o_alice") if "修复" in m]
    assert "物业设施问题已由物业修复，请核实。" in done and "回复 1 满意" in done


async def test_a_note_typed_with_the_command_reaches_the_reporter(
    wx: WeChatSender, jobs: Any, fake_wechat: FakeWeChatAPI
) -> None:
    await _accepted(wx, "维修师傅下午到")
    await jobs.dispatch_outbox()
    assert any("维修师傅下午到" in m for m in fake_wechat.sent_to("o_alice"))


async def test_an_overdue_escalation_moves_the_date_and_says_why(
    wx: WeChatSender, jobs: Any, fake_wechat: FakeWeChatAPI, clock: FrozenClock
) -> None:
    await _accepted(wx)
    clock.advance(days=10)  # Thursday 11-12: past 11-11, the holder is warned
    assert await jobs.check_deadlines() == 1
    clock.advance(hours=25)  # still not resolved: up one grid level, with a new date
    await wx.reporter("o_alice").says("进度")
    assert await jobs.check_deadlines() == 1
    await jobs.dispatch_outbox()
    [moved] = [m for m in fake_wechat.sent_to("o_alice") if "改为" in m]
    assert "由 11月11日 改为 11月24日（超时未办，已上报" in moved


async def test_a_rejection_needs_a_reason_which_the_reporter_sees(
    wx: WeChatSender, jobs: Any, fake_wechat: FakeWeChatAPI
) -> None:
    await _accepted(wx)
    assert "请写明说明" in await wx.reporter("o_conv_kdk").says("驳回 1")
    await wx.reporter("o_conv_kdk").says("驳回 1 电梯属于物业维保合同，已转物业")
    await jobs.dispatch_outbox()
    assert any("不予受理。理由：电梯属于物业维保合同" in m for m in fake_wechat.sent_to("o_alice"))
