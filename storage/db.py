"""Engine and session factory: SQLite in WAL mode with a busy timeout, or PostgreSQL via asyncpg."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage import pending, sqlite_inline
from storage.pending import LouwuSession

SQLITE_BUSY_MS = 5000
PG_CONNECT_SECONDS = 10
PG_STATEMENT_SECONDS = 60
# A pooled PostgreSQL connection idle longer than this is pinged before use (a quiet night, a server
# restarted meanwhile); one used more recently is taken as alive. SQLAlchemy's pre-ping on every
# checkout is three round trips (BEGIN, a query, ROLLBACK), twice a batch: 12–15% of a busy intake's
# throughput. A recent connection that has died fails its statement instead; SQLAlchemy then drops
# the whole pool, and the batch is answered 503 for WeChat to retry, as in any outage.
PG_PING_AFTER_IDLE = 10.0
_LAST_USED = "louwu_last_used"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(
    url: str, inline: bool = False, ping_after_idle: float = PG_PING_AFTER_IDLE, **kwargs: Any
) -> AsyncEngine:
    """Create the async engine; for SQLite, set the pragmas every connection needs. `inline`: SQLite
    called on the event loop's thread (the intake's engine, see storage/sqlite_inline.py)."""
    # A failed statement's message would carry its parameters (openids, complaints) into the logs.
    kwargs.setdefault("hide_parameters", True)
    if not is_sqlite(url):
        # A server that stops answering (a network partition, not a refusal) must become an error in
        # bounded time, or the one intake task of a process would wait on it for good.
        kwargs.setdefault(
            "connect_args", {"timeout": PG_CONNECT_SECONDS, "command_timeout": PG_STATEMENT_SECONDS}
        )
        engine = create_async_engine(url, **kwargs)
        if not kwargs.get("pool_pre_ping"):
            _ping_when_idle(engine, ping_after_idle)
        return engine
    if inline:
        path = make_url(url).database or ":memory:"
        kwargs["async_creator"] = sqlite_inline.creator(path, SQLITE_BUSY_MS / 1000)
    engine = create_async_engine(url, **kwargs)
    _configure_sqlite(engine, busy_ms=0 if inline else SQLITE_BUSY_MS)
    return engine


def _ping_when_idle(engine: AsyncEngine, seconds: float) -> None:
    pool = engine.sync_engine.pool

    @event.listens_for(pool, "checkin")
    def _checked_in(_dbapi_conn: Any, record: Any) -> None:
        record.info[_LAST_USED] = time.monotonic()

    @event.listens_for(pool, "checkout")
    def _checked_out(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        last = record.info.get(_LAST_USED)
        if last is None or time.monotonic() - last < seconds:
            return  # new, or in use moments ago
        try:
            dbapi_conn.ping()
        except Exception as exc:
            # The pool replaces the connection and, for a server gone away, drops the others too.
            raise DisconnectionError(f"an idle connection no longer answers: {exc}") from exc


def _configure_sqlite(engine: AsyncEngine, busy_ms: int) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # pysqlite's own BEGIN handling breaks SAVEPOINT; we emit BEGIN ourselves below.
        if dbapi_conn.isolation_level is not None:
            dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # IMMEDIATE takes the write lock up front: no deadlock on upgrading a read lock, and
        # a transaction's reads of "the largest number so far" cannot be overtaken by a writer.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # LouwuSession writes the rows queued in storage.pending as it writes its own new objects.
    return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=LouwuSession)


# SQLAlchemy's own context managers close a session or connection in a task of their own (shielded
# from cancellation): one more turn of the event loop for every transaction, which the intake pays
# for each batch. These close in place; use them where the caller is not cancelled mid-transaction.
@contextlib.asynccontextmanager
async def transaction(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session in one transaction, committed at the end unless an error rolls it back."""
    session = sessionmaker()
    try:
        async with session.begin():
            yield session
    finally:
        await session.close()


@contextlib.asynccontextmanager
async def connection_transaction(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection in one transaction, for statements that need no ORM."""
    conn = await engine.connect().start()
    try:
        async with conn.begin():
            yield conn
    finally:
        await conn.close()


@contextlib.asynccontextmanager
async def savepoint(session: AsyncSession) -> AsyncIterator[None]:
    """A savepoint whose queued rows (storage.pending) are written inside it, or forgotten with it
    when the block fails."""
    try:
        async with session.begin_nested():
            yield
            await pending.write(session)
    except BaseException:
        pending.discard(session)
        raise
