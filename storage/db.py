"""Engine and session factory: SQLite in WAL mode with a busy timeout, or PostgreSQL via asyncpg."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
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


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, inline: bool = False, **kwargs: Any) -> AsyncEngine:
    """Create the async engine; for SQLite, set the pragmas every connection needs. `inline`: SQLite
    called on the event loop's thread (the intake's engine, see storage/sqlite_inline.py)."""
    # A failed statement's message would carry its parameters (openids, complaints) into the logs.
    kwargs.setdefault("hide_parameters", True)
    if not is_sqlite(url):
        kwargs.setdefault("pool_pre_ping", True)
        # A server that stops answering (a network partition, not a refusal) must become an error in
        # bounded time, or the one intake task of a process would wait on it for good.
        kwargs.setdefault(
            "connect_args", {"timeout": PG_CONNECT_SECONDS, "command_timeout": PG_STATEMENT_SECONDS}
        )
        return create_async_engine(url, **kwargs)
    if inline:
        path = make_url(url).database or ":memory:"
        kwargs["async_creator"] = sqlite_inline.creator(path, SQLITE_BUSY_MS / 1000)
    engine = create_async_engine(url, **kwargs)
    _configure_sqlite(engine, busy_ms=0 if inline else SQLITE_BUSY_MS)
    return engine


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
