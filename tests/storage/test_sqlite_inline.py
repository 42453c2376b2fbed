"""SQLite on the event loop's thread: statements run in place, and a write lock held elsewhere is
waited for asynchronously, never by blocking the loop its holder may need."""

from __future__ import annotations

import asyncio
import sqlite3
import time

import pytest
from sqlalchemy import text

from storage.db import make_engine, make_sessionmaker
from storage.models import Issue


async def test_a_transaction_waits_for_the_write_lock_without_blocking_the_loop(sqlite_url):
    inline = make_engine(sqlite_url, inline=True)
    threaded = make_engine(sqlite_url)
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.001)
            ticks += 1

    ticker = asyncio.create_task(tick())
    try:
        async with threaded.begin() as holder:  # BEGIN IMMEDIATE: the write lock is taken
            await holder.execute(text("UPDATE rules_version SET counter = counter + 1"))
            waiting = asyncio.create_task(_write_once(inline))
            await asyncio.sleep(0.1)
            assert not waiting.done()
            assert ticks > 20, "the loop stood still while the write lock was held elsewhere"
        await asyncio.wait_for(waiting, 5)
    finally:
        ticker.cancel()
        await inline.dispose()
        await threaded.dispose()


async def test_a_lock_never_released_is_an_error_after_the_busy_timeout(sqlite_url, monkeypatch):
    monkeypatch.setattr("storage.db.SQLITE_BUSY_MS", 200)
    inline = make_engine(sqlite_url, inline=True)
    path = sqlite_url.split("///", 1)[1]
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        with pytest.raises(Exception, match="locked"):
            await _write_once(inline)
        assert 0.15 < time.monotonic() - started < 3
    finally:
        other.execute("ROLLBACK")
        other.close()
        await inline.dispose()


async def test_statements_read_what_they_wrote(sqlite_url):
    engine = make_engine(sqlite_url, inline=True)
    try:
        async with make_sessionmaker(engine).begin() as session:
            await session.execute(text("UPDATE rules_version SET counter = 41"))
            assert (await session.execute(text("SELECT counter FROM rules_version"))).scalar() == 41
        async with make_sessionmaker(engine)() as session:
            assert (await session.get(Issue, 1)) is None
    finally:
        await engine.dispose()


async def _write_once(engine) -> None:
    async with engine.begin() as conn:
        await conn.execute(text("UPDATE rules_version SET counter = counter + 1"))
