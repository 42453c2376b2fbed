"""Several workers over one database: deadline rounds run once per period, and on PostgreSQL an urgent
row committed anywhere wakes every worker at once instead of at its next tick."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import pytest

from bot.clock import FrozenClock
from bot.scheduler import Scheduler
from bot.simulator.fake_wechat import FakeWeChatAPI
from storage import repos
from storage.db import make_engine, make_sessionmaker
from tests.outbound.conftest import open_window, text


async def test_a_deadline_round_runs_in_one_worker_per_interval(jobs: Any, clock: FrozenClock) -> None:
    first, second = Scheduler(jobs, jobs.config.scheduler), Scheduler(jobs, jobs.config.scheduler)
    assert await first.run_deadlines() is True
    assert await second.run_deadlines() is False
    clock.advance(seconds=jobs.config.scheduler.deadline_interval)
    assert await second.run_deadlines() is True


async def test_an_urgent_row_wakes_a_worker_in_another_process(
    jobs: Any, fake_wechat: FakeWeChatAPI, db_url: str
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite has no notifications: a separate worker finds the row at its next tick")
    await open_window(jobs, "o_alice")
    slow_ticks = dataclasses.replace(jobs.config.scheduler, dispatch_interval=3600.0)
    worker = Scheduler(jobs, slow_ticks)
    worker.start()
    try:
        await asyncio.sleep(0.5)  # listening
        other = make_engine(db_url)  # the web process that files the urgent issue
        async with make_sessionmaker(other).begin() as session:
            await repos.outbox.enqueue(session, [text("o_alice", "电梯困人", urgent=True)], jobs.now())
        await other.dispose()
        for _ in range(100):
            if fake_wechat.sent_to("o_alice"):
                break
            await asyncio.sleep(0.05)
        assert fake_wechat.sent_to("o_alice") == ["电梯困人"]
    finally:
        await worker.stop()
