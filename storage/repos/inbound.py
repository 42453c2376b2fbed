"""Raw inbound messages: recorded once per WeChat delivery, whatever the retries."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import InboundMessage
from storage.repos._sql import insert_for

RECEIVED, HANDLED, FAILED = "received", "handled", "failed"


async def record(
    session: AsyncSession, key: str, openid: str, msg_type: str, raw: str, now: dt.datetime
) -> int | None:
    """Store the message; None when its key is already stored (a retry), decided by the UNIQUE key."""
    stmt = (
        insert_for(session, InboundMessage)
        .values(
            dedup_key=key,
            openid=openid,
            msg_type=msg_type,
            raw=raw,
            received_at=now,
            status=RECEIVED,
        )
        .on_conflict_do_nothing(index_elements=["dedup_key"])
        .returning(InboundMessage.id)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def by_key(session: AsyncSession, key: str) -> InboundMessage | None:
    stmt = select(InboundMessage).where(InboundMessage.dedup_key == key)
    return (await session.execute(stmt)).scalar_one_or_none()


async def finish(
    session: AsyncSession, inbound_id: int, reply: str | None, error: str | None = None
) -> None:
    status = FAILED if error else HANDLED
    await session.execute(
        update(InboundMessage)
        .where(InboundMessage.id == inbound_id)
        .values(status=status, reply=reply, error=error)
    )


async def unhandled(
    session: AsyncSession, before: dt.datetime, limit: int = 100
) -> list[InboundMessage]:
    """Messages stored but never answered (a crash between the two), oldest first."""
    stmt = (
        select(InboundMessage)
        .where(InboundMessage.status == RECEIVED, InboundMessage.received_at < before)
        .order_by(InboundMessage.id)
        .limit(limit)
    )
    return list((await session.execute(stmt)).scalars())


async def count(session: AsyncSession) -> int:
    from sqlalchemy import func

    return (await session.execute(select(func.count(InboundMessage.id)))).scalar_one()
