"""SQLite called on the event loop's own thread, behind the awaitable interface SQLAlchemy's aiosqlite
dialect expects: no hop to a worker thread and back for every statement, fetch and close.

A statement on a local SQLite file takes microseconds, while each of aiosqlite's thread hops waits
for the event loop to come round; under load the intake spent most of its time in those waits. The
one thing that may not block the loop is waiting for SQLite's write lock (its holder may need this
very loop to finish), so the busy timeout is zero and `BEGIN` is retried with an asynchronous sleep.
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
import time
from collections.abc import Callable, Sequence
from typing import Any

# The first waits are short: the usual holder is another task of this process that is about to commit.
_BACKOFF = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.02)


class InlineCursor:
    def __init__(self, cursor: sqlite3.Cursor, busy_seconds: float) -> None:
        self._cursor = cursor
        self._busy_seconds = busy_seconds

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> InlineCursor:
        if sql.startswith("BEGIN"):
            await _when_unlocked(lambda: self._cursor.execute(sql, parameters), self._busy_seconds)
        else:
            self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, seq: Sequence[Any]) -> InlineCursor:
        self._cursor.executemany(sql, seq)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class InlineConnection:
    """What SQLAlchemy's aiosqlite adapter calls on an aiosqlite connection, done in place."""

    def __init__(self, conn: sqlite3.Connection, busy_seconds: float) -> None:
        self._conn = conn
        # The adapter checks this attribute to tell an open connection from a closed one.
        self._connection: sqlite3.Connection | None = conn
        self._busy_seconds = busy_seconds

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._conn.cursor(), self._busy_seconds)

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> InlineCursor:
        return await self.cursor().execute(sql, parameters)

    async def commit(self) -> None:
        self._conn.commit()

    async def rollback(self) -> None:
        self._conn.rollback()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def close(self) -> None:
        if self._connection is not None:
            self._connection = None
            self._conn.close()

    def stop(self) -> None:
        if self._connection is not None:
            self._connection = None
            self._conn.close()


def creator(path: str, busy_seconds: float) -> Callable[[], Any]:
    """An `async_creator` for `create_async_engine`: connections to the file at `path`."""

    async def connect() -> InlineConnection:
        # The loop's thread makes and uses it; check_same_thread off only so that a pool emptied
        # from elsewhere (dispose at exit) can still close it.
        conn = sqlite3.connect(path, timeout=0, isolation_level=None, check_same_thread=False)
        return InlineConnection(conn, busy_seconds)

    return connect


async def _when_unlocked(statement: Callable[[], object], seconds: float) -> None:
    """Run a statement that takes the write lock, waiting asynchronously while another holds it."""
    deadline = time.monotonic() + seconds
    for attempt in itertools.count():
        try:
            statement()
            return
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc) or time.monotonic() >= deadline:
                raise
        await asyncio.sleep(_BACKOFF[min(attempt, len(_BACKOFF) - 1)])


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    return getattr(exc, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or (
        "locked" in str(exc)
    )
