"""New rows a transaction writes in one INSERT per table, when they are next needed.

The ORM's unit of work batches new objects only when it need not read their ids back; timeline
events and outbox rows have database-made ids, so on SQLite it inserted them one statement each,
and every tracked object costs far more than the row it becomes. Rows queued here are plain values,
written in the tables' dependency order before any statement of the session runs (unless autoflush
is off, as the ORM does), before the ORM flushes its own objects, and before commit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Table, event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session

from storage.bulk import insert_rows
from storage.models.base import Base

KEY = "louwu_pending"
_ORDER = {table: i for i, table in enumerate(Base.metadata.sorted_tables)}


# A dict by column name, or a named tuple whose fields are column names (storage.bulk).
Row = Any


class LouwuSession(Session):
    """The sessions louwu makes: its queued rows are written as the ORM writes its own objects."""


def queue(session: AsyncSession | Session, table: Table, row: Row) -> None:
    pending: dict[Table, list[Row]] = session.info.setdefault(KEY, {})
    pending.setdefault(table, []).append(row)


def discard(session: AsyncSession | Session) -> None:
    """Forget what was queued since the last write (a savepoint rolled back)."""
    session.info.pop(KEY, None)


async def write(session: AsyncSession) -> None:
    """Write what is queued now (the intake does so inside each savepoint of an isolated batch)."""
    await session.run_sync(_write)


def _write(session: Session) -> None:
    pending: dict[Table, list[Row]] | None = session.info.pop(KEY, None)
    if not pending:
        return
    # The ORM's own new objects may point at these rows: they go after. The connection, not the
    # session: these are plain rows, and the session would flush those objects first.
    connection = session.connection()
    for table in sorted(pending, key=_ORDER.__getitem__):
        insert_rows(connection, table, pending[table])


def _before_statement(state: ORMExecuteState) -> None:
    if state.session.autoflush and KEY in state.session.info:
        _write(state.session)


def _listen(name: str, fn: Callable[..., None]) -> None:
    event.listen(LouwuSession, name, fn)


_listen("do_orm_execute", _before_statement)
_listen("before_flush", lambda session, _ctx, _objects: _write(session))
_listen("before_commit", _write)
_listen("after_rollback", discard)
