"""Daily digests: one per period across restarts and processes, and a missed period caught up once."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.clock import FrozenClock
from bot.scheduler import Scheduler
from storage.models import OutboxMessage
from tests.wx import WeChatSender

pytestmark = pytest.mark.usefixtures("demo")


async def kinds(jobs: Any, kind: str) -> list[OutboxMessage]:
    async with jobs.sessionmaker() as session:
        stmt = select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        return list((await session.execute(stmt)).scalars())


async def test_member_digest_lists_pending_issues_once_per_day(wx: WeChatSender, jobs: Any) -> None:
    alice = wx.reporter("o_alice")
    await alice.follows("kdk")
    await alice.says("电梯又坏了，十几层要爬楼梯")
    scheduler = Scheduler(jobs, jobs.config.scheduler)
    await scheduler.run_digest("member_digest")
    await scheduler.run_digest("member_digest")  # the same period: nothing more
    todo = [r for r in await kinds(jobs, "todo") if r.recipient == "o_conv_kdk"]
    assert len(todo) == 1 and "1 件未办结" in todo[0].payload["text"] and "#1" in todo[0].payload["text"]


async def test_reporter_digest_says_what_changed(wx: WeChatSender, jobs: Any, clock: FrozenClock) -> None:
    alice = wx.reporter("o_alice")
    await alice.follows("kdk")
    await alice.says("电梯又坏了")
    await wx.reporter("o_conv_kdk").says("受理 1")
    clock.advance(hours=10)  # 19:00 in Shanghai: after the 18:00 digest
    await Scheduler(jobs, jobs.config.scheduler).run_digest("reporter_digest")
    [digest] = [r for r in await kinds(jobs, "digest") if r.recipient == "o_alice"]
    assert "#1 已受理" in digest.payload["text"]


async def test_missed_digests_are_caught_up_once_not_per_missed_day(
    wx: WeChatSender, jobs: Any, clock: FrozenClock
) -> None:
    alice = wx.reporter("o_alice")
    await alice.follows("kdk")
    await alice.says("电梯又坏了")
    await Scheduler(jobs, jobs.config.scheduler).run_digest("member_digest")
    clock.advance(days=3)  # louwu was down for three 09:00 runs
    await Scheduler(jobs, jobs.config.scheduler).catch_up()
    assert len([r for r in await kinds(jobs, "todo") if r.recipient == "o_conv_kdk"]) == 2


async def test_first_start_catches_nothing_up(wx: WeChatSender, jobs: Any) -> None:
    alice = wx.reporter("o_alice")
    await alice.follows("kdk")
    await alice.says("电梯又坏了")
    await Scheduler(jobs, jobs.config.scheduler).catch_up()
    assert await kinds(jobs, "todo") == []


async def test_urgent_alert_wakes_the_in_process_scheduler(
    aiohttp_client: Any, db_url: str, fake_wechat: Any, clock: FrozenClock, demo: None
) -> None:
    """With the dispatcher's tick a minute away, an urgent alert still goes out at once."""
    import asyncio

    from bot.app import create_app
    from tests.conftest import APP_ID, TOKEN, make_config

    config = make_config(db_url, fake_wechat.url, scheduler={"in_process": True, "dispatch_interval": 60.0})
    wx = WeChatSender(await aiohttp_client(create_app(config, clock=clock)), TOKEN, APP_ID, clock=clock)
    await wx.reporter("o_conv_hlgc").says("待办")
    alice = wx.reporter("o_alice")
    await alice.follows("hlgc")
    await alice.says("12楼配电间冒烟了，有焦糊味")
    for _ in range(100):
        if fake_wechat.sent_to("o_conv_hlgc"):
            break
        await asyncio.sleep(0.05)
    assert any("紧急" in m for m in fake_wechat.sent_to("o_conv_hlgc"))
