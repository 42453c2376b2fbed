"""Wakes a worker in another process when an urgent outbox row is committed (PostgreSQL LISTEN).

SQLite has no such channel: there a separate worker finds urgent rows at its next dispatch tick.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import asyncpg
from sqlalchemy.engine import URL

from storage.repos.outbox import WAKE_CHANNEL

logger = logging.getLogger("louwu.wakeup")
RETRY_SECONDS = (1, 2, 5, 10, 30)
PING_SECONDS = 30.0  # a connection dropped without a word is noticed within this


async def listen(url: URL, wake: Callable[[], None]) -> None:
    """Call `wake` on every notification until cancelled; reconnect when the database goes away.

    A connection of its own, outside the pool: a pooled one would carry the listener to other work.
    """
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    failures = 0
    while True:
        try:
            await _listen_once(dsn, wake)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            delay = RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)]
            logger.warning(
                "not listening for urgent rows (%s), again in %d s; dispatch ticks still run", exc, delay
            )
            failures += 1
            await asyncio.sleep(delay)


async def _listen_once(dsn: str, wake: Callable[[], None]) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        lost = asyncio.Event()
        conn.add_termination_listener(lambda _: lost.set())
        await conn.add_listener(WAKE_CHANNEL, lambda *_: wake())
        wake()  # whatever was queued while nobody listened
        while not lost.is_set():
            try:
                await asyncio.wait_for(lost.wait(), PING_SECONDS)
            except TimeoutError:
                await conn.fetchval("SELECT 1")
        raise OSError("connection closed")
    finally:
        conn.terminate()
