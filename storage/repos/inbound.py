"""Raw inbound messages: recorded once per WeChat delivery, whatever the retries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import bulk
from storage.models import InboundMessage
from storage.repos._sql import Db, connection_of, dialect_name, insert_for, once_per_dialect

RECEIVED, HANDLED, FAILED, THROTTLED = "received", "handled", "failed", "throttled"


@dataclass(frozen=True)
class NewInbound:
    key: str
    openid: str
    msg_type: str
    raw: str
    received_at: dt.datetime


async def record_many(db: Db, rows: list[NewInbound]) -> dict[str, int]:
    """Store a batch in one statement; returns {key: id} for the keys not stored before."""
    if not rows:
        return {}
    params = [
        {
            "dedup_key": r.key,
            "openid": r.openid,
            "msg_type": r.msg_type[:32],  # an unknown type is named by what the sender wrote
            "raw": r.raw,
            "received_at": r.received_at,
            "status": RECEIVED,
        }
        for r in rows
    ]
    stmt = _record_statement(db)
    return dict(
        await (await connection_of(db)).run_sync(lambda conn: bulk.insert_returning(conn, stmt, params))
    )


@once_per_dialect
def _record_statement(db: Db) -> Any:
    return (
        insert_for(db, _TABLE)  # the Core table: no ORM bulk-insert bookkeeping per row
        .on_conflict_do_nothing(index_elements=["dedup_key"])
        .returning(_TABLE.c.dedup_key, _TABLE.c.id)
    )


@dataclass(frozen=True)
class Recorded:
    """What became of a delivery stored before."""

    id: int
    status: str
    reply: str | None


async def by_key(db: Db, key: str) -> Recorded | None:
    stmt = select(_TABLE.c.id, _TABLE.c.status, _TABLE.c.reply).where(_TABLE.c.dedup_key == key)
    row = (await db.execute(stmt)).first()
    return Recorded(*row) if row else None


async def claim_received(db: Db, ids: list[int]) -> set[int]:
    """Of these rows, the ones still waiting to be handled, locked until the caller's transaction ends.

    Two processes can hold the same row (a retry reached another server, or the sweep found it):
    on PostgreSQL the second waits here for the first to commit and then finds it handled; SQLite
    has one writer at a time, so the status check alone decides.
    """
    if not ids:
        return set()
    stmt = _CLAIM_LOCKED if dialect_name(db) == "postgresql" else _CLAIM
    return set((await db.execute(stmt, {"ids": ids})).scalars())


_CLAIM = (
    select(InboundMessage.id)
    .where(InboundMessage.id.in_(bindparam("ids", expanding=True)), InboundMessage.status == RECEIVED)
    .order_by(InboundMessage.id)  # one lock order for every process: no deadlock
)
_CLAIM_LOCKED = _CLAIM.with_for_update()


async def stranded(session: AsyncSession, before: dt.datetime, limit: int) -> list[InboundMessage]:
    """Rows stored but never handled (a crash or a lost database between the two transactions),
    received before `before`: WeChat has stopped retrying them, so nobody else will bring them back."""
    stmt = (
        select(InboundMessage)
        .where(InboundMessage.status == RECEIVED, InboundMessage.received_at < before)
        .order_by(InboundMessage.id)
        .limit(limit)
    )
    return list((await session.execute(stmt)).scalars())


async def replies_of(db: Db, ids: list[int]) -> dict[int, str | None]:
    """The stored replies of rows someone else handled."""
    if not ids:
        return {}
    stmt = select(_TABLE.c.id, _TABLE.c.reply).where(_TABLE.c.id.in_(ids))
    return {id_: reply for id_, reply in (await db.execute(stmt)).all()}


async def finish_many(db: Db, rows: list[tuple[int, str | None, str | None]]) -> None:
    """Store the replies of a batch in one executemany."""
    if not rows:
        return
    params = [
        {"row": i, "reply": reply, "error": error, "status": FAILED if error else HANDLED}
        for i, reply, error in rows
    ]
    await (await connection_of(db)).run_sync(lambda conn: bulk.execute_many(conn, _FINISH, params))


# The Core table, not the entity: an UPDATE over a parameter list is then a plain executemany.
_TABLE = InboundMessage.__table__
_FINISH = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("row"))
    .values(reply=bindparam("reply"), error=bindparam("error"), status=bindparam("status"))
)


async def throttle(db: Db, ids: list[int], reply: str) -> None:
    """Keep these rows unhandled for good (over a sender's limit), with the reply they were given."""
    stmt = (
        update(_TABLE)
        .where(_TABLE.c.id.in_(ids), _TABLE.c.status == RECEIVED)
        .values(status=THROTTLED, reply=reply)
    )
    await db.execute(stmt)
