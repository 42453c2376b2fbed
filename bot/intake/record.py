"""The intake's first transaction: every raw message of a batch stored in one INSERT before anything
else, so that a request may answer at all; WeChat's retries collide on the UNIQUE dedup key."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.intake.delivery import Delivery, settle
from handlers.replies import NO_REPLY, Reply, TextReply
from storage import repos
from storage.repos.inbound import RECEIVED


async def record(conn: AsyncConnection, batch: list[Delivery]) -> None:
    """Store the batch; a retry in the same batch follows its first delivery, one seen before gets
    its stored reply (or is handled now, if that earlier attempt never finished)."""
    new: dict[str, Delivery] = {}
    for d in batch:
        key = d.event.dedup_key
        first = new.get(key)
        if first is not None:
            d.first = first  # a retry arriving in the same batch as its first delivery
        else:
            new[key] = d
    rows = [
        repos.inbound.NewInbound(key, d.event.openid, d.event.kind, d.raw, d.received_at)
        for key, d in new.items()
    ]
    ids = await repos.inbound.record_many(conn, rows)
    for key, d in new.items():
        d.inbound_id = ids.get(key)
        if d.inbound_id is None:
            await _seen_before(conn, d)


async def _seen_before(conn: AsyncConnection, d: Delivery) -> None:
    row = await repos.inbound.by_key(conn, d.event.dedup_key)
    if row is not None and row.status == RECEIVED:
        # Stored by an earlier attempt that never finished (crash, lost database): handle now.
        d.inbound_id = row.id
        return
    settle(d, stored_reply(row.reply if row else None))


def stored_reply(text: str | None) -> Reply:
    return TextReply(text) if text else NO_REPLY
