"""Raw inbound messages: recorded once per WeChat delivery, whatever the retries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import InboundMessage
from storage.repos._sql import insert_for

RECEIVED, HANDLED, FAILED = "received", "handled", "failed"


@dataclass(frozen=True)
class NewInbound:
    key: str
    openid: str
    msg_type: str
    raw: str
    received_at: dt.datetime


async def record_many(session: AsyncSession, rows: list[NewInbound]) -> dict[str, int]:
    """Store a batch in one statement; returns {key: id} for the keys not stored before."""
    if not rows:
        return {}
    values = [
        {
            "dedup_key": r.key,
            "openid": r.openid,
            "msg_type": r.msg_type,
            "raw": r.raw,
            "received_at": r.received_at,
            "status": RECEIVED,
        }
        for r in rows
    ]
    stmt = (
        insert_for(session, InboundMessage)
        .values(values)
        .on_conflict_do_nothing(index_elements=["dedup_key"])
        .returning(InboundMessage.dedup_key, InboundMessage.id)
    )
    return {key: id_ for key, id_ in (await session.execute(stmt)).all()}


async def by_key(session: AsyncSession, key: str) -> InboundMessage | None:
    stmt = select(InboundMessage).where(InboundMessage.dedup_key == key)
    return (await session.execute(stmt)).scalar_one_or_none()


async def finish(session: AsyncSession, inbound_id: int, reply: str | None, error: str | None = None) -> None:
    status = FAILED if error else HANDLED
    await session.execute(
        update(InboundMessage)
        .where(InboundMessage.id == inbound_id)
        .values(status=status, reply=reply, error=error)
    )


async def finish_many(session: AsyncSession, rows: list[tuple[int, str | None, str | None]]) -> None:
    """Store the replies of a batch in one executemany."""
    if not rows:
        return
    params = [
        {"id": i, "reply": reply, "error": error, "status": FAILED if error else HANDLED}
        for i, reply, error in rows
    ]
    await session.execute(update(InboundMessage), params)
