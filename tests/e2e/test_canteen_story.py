"""SPEC.md's canteen story through POST /wechat, reading what the local fake of WeChat's API received:
from subscribe by QR code to rating, with two reporters, a convener, a stranger, an escalation after a
missed deadline (the clock moved, never slept) and a 不满意 rating that reopens the issue."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.clock import FrozenClock
from bot.simulator.fake_wechat import FakeWeChatAPI
from storage.models import Issue
from tests.wx import WeChatSender

pytestmark = pytest.mark.usefixtures("demo")

CANTEEN = "四楼食堂下个月就关了，九百多人以后去哪吃饭？"
SAME_CANTEEN = "听说食堂要停业了，我们中午去哪里吃饭"
CONVENER, LEADER, STRANGER = "o_conv_kdk", "o_leader_west", "o_conv_hlgc"


async def issue_1(jobs: Any) -> Issue:
    async with jobs.sessionmaker() as session:
        return (await session.execute(select(Issue).where(Issue.id == 1))).scalar_one()


async def test_the_canteen_story(
    wx: WeChatSender, jobs: Any, fake_wechat: FakeWeChatAPI, clock: FrozenClock
) -> None:
    alice, bob = wx.reporter("o_alice"), wx.reporter("o_bob")
    convener, stranger = wx.reporter(CONVENER), wx.reporter(STRANGER)

    assert "凯迪克大厦" in await alice.follows("kdk")  # the building's QR code binds at once
    await bob.follows()
    assert "已绑定「凯迪克大厦」" in await bob.says("绑定 凯迪克")
    assert "没有待办" in await convener.says("待办")

    filed = await alice.says(CANTEEN)
    assert "#1" in filed and "餐饮就餐" in filed
    await jobs.dispatch_outbox()
    [alert] = fake_wechat.sent_to(CONVENER)
    assert all(part in alert for part in ("#1", "凯迪克大厦", "餐饮就餐", CANTEEN, "1 人反映"))

    joined = await bob.says(SAME_CANTEEN)
    assert "#1" in joined and "2 人" in joined  # a topic, not a second issue

    assert "不负责" in await stranger.says("办结 1 已经解决了")
    assert "楼务会成员" in await alice.says("受理 1")
    assert (await issue_1(jobs)).status == "new"

    clock.advance(hours=25)  # the 24-hour accept deadline has passed
    assert await jobs.check_deadlines() == 1
    assert await jobs.check_deadlines() == 0  # an overdue alert is sent once
    await jobs.dispatch_outbox()
    assert any("超时预警" in m and "#1" in m for m in fake_wechat.sent_to(CONVENER))

    clock.advance(hours=24)  # still not accepted: escalated one grid level up
    await wx.reporter(LEADER).says("待办")
    assert await jobs.check_deadlines() == 1
    await jobs.dispatch_outbox()
    assert any("督办" in m and "#1" in m for m in fake_wechat.sent_to(LEADER))
    # Bob last wrote 49 hours ago: WeChat's window is shut and no template is configured, so his
    # update waits for his next message.
    assert not any("上报" in m for m in fake_wechat.sent_to("o_bob"))
    assert "#1" in await bob.says("进度")
    await jobs.dispatch_outbox()
    assert any("上报" in m for m in fake_wechat.sent_to("o_bob"))
    await alice.says("进度")

    assert "已受理 #1" in await convener.says("受理 #1")
    assert "已更新进展 #1" in await convener.says("进展 1 已联系物业，下周开新食堂")
    assert "已办结 #1" in await convener.says("办结 １ 新食堂已开业，每天供应1000份")  # full-width digit
    await jobs.dispatch_outbox()
    for person in ("o_alice", "o_bob"):
        told = "\n".join(fake_wechat.sent_to(person))
        assert "楼务会受理" in told and "已联系物业" in told and "回复 1 满意" in told

    assert "不能撤回" in await alice.says("撤回 1")
    assert "重新办理" in await alice.says("3")  # 不满意 reopens and escalates
    issue = await issue_1(jobs)
    assert issue.status == "in_progress" and issue.level == 2

    assert "已办结 #1" in await convener.says("办结 1 二楼临时餐厅已开放")
    assert "已结案" in await alice.says("1")
    assert (await issue_1(jobs)).status == "closed"

    timeline = await alice.says("进度 1")
    for step in ("提交反映", "超时预警", "上报", "受理", "进展", "办结", "评价", "重新办理"):
        assert step in timeline, step
