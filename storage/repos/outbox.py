"""Outbox rows: queued with the change that causes them, claimed under a lease, marked with the outcome."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import pending
from storage.models import OutboxMessage, Reporter
from storage.repos._sql import insert_for

PENDING, WAITING, SENT, FAILED = "pending", "waiting", "sent", "failed"
# Set in session.info when a transaction queued an urgent row: whoever commits it wakes the dispatcher.
URGENT_QUEUED = "louwu.urgent_queued"
# PostgreSQL: the channel an urgent row's transaction notifies on commit, for workers in other processes.
WAKE_CHANNEL = "louwu_outbox"


@dataclass(frozen=True)
class NewMessage:
    recipient: str
    kind: str
    text: str
    # Short values for a template message: number, title, status, time.
    fields: dict[str, str] = field(default_factory=dict)
    issue_id: int | None = None
    urgent: bool = False
    # Scheduled alerts carry one so that a second run queues nothing.
    dedup_key: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What became of one claimed row."""

    id: int
    status: str
    attempts: int
    next_attempt_at: dt.datetime
    channel: str | None = None
    error: str | None = None
    sent_at: dt.datetime | None = None


OUTBOX = OutboxMessage.__table__


def _values(m: NewMessage, now: dt.datetime) -> dict[str, Any]:
    return {
        "recipient": m.recipient,
        "kind": m.kind,
        "payload": {"text": m.text, "fields": m.fields},
        "issue_id": m.issue_id,
        "urgent": m.urgent,
        "status": PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "dedup_key": m.dedup_key,
        "created_at": now,
    }


async def enqueue(session: AsyncSession, messages: Iterable[NewMessage], now: dt.datetime) -> int:
    """Queue messages in the caller's transaction; returns how many (a repeated dedup key is skipped).

    Plain rows are queued (storage.pending), to be written after the issues they point to and in one
    executemany with the rest of the batch; keyed rows need ON CONFLICT, so they are inserted at once.
    """
    plain, keyed = [], []
    for m in messages:
        (keyed if m.dedup_key else plain).append(_values(m, now))
        if m.urgent and not session.info.get(URGENT_QUEUED):
            session.info[URGENT_QUEUED] = True
            if session.bind.dialect.name == "postgresql":
                await session.execute(text(f"NOTIFY {WAKE_CHANNEL}"))  # delivered only if we commit
    for v in plain:
        pending.queue(session, OUTBOX, v)
    if not keyed:
        return len(plain)
    stmt = insert_for(session, OutboxMessage).on_conflict_do_nothing(index_elements=["dedup_key"])
    result = await session.execute(stmt.returning(OutboxMessage.id), keyed)
    return len(plain) + len(result.all())


async def claim_due(
    session: AsyncSession, now: dt.datetime, limit: int, lease: dt.timedelta
) -> list[OutboxMessage]:
    """Claim up to `limit` due rows, urgent first; several dispatchers never claim the same row.

    Due: pending rows whose time has come, and waiting rows whose recipient has written since they
    were put to wait (derived here, so the inbound path never touches the outbox). A waiting row's
    next_attempt_at holds the recipient's latest inbound when it was put to wait.
    """
    free = OutboxMessage.claimed_until.is_(None) | (OutboxMessage.claimed_until < now)
    waited = OutboxMessage.next_attempt_at
    wrote_since = (Reporter.last_message_at > waited) | (Reporter.last_event_at > waited)
    due = ((OutboxMessage.status == PENDING) & (waited <= now)) | (
        (OutboxMessage.status == WAITING) & wrote_since
    )
    stmt = (
        select(OutboxMessage)
        .outerjoin(Reporter, Reporter.openid == OutboxMessage.recipient)
        .where(due, free)
        .order_by(OutboxMessage.urgent.desc(), OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    if session.bind.dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True, of=OutboxMessage)
    # SQLite needs no row lock: louwu's transactions there begin IMMEDIATE, one writer at a time.
    rows = list((await session.execute(stmt)).scalars())
    if rows:
        claim = update(OutboxMessage).where(OutboxMessage.id.in_([r.id for r in rows]))
        await session.execute(
            claim.values(claimed_until=now + lease).execution_options(synchronize_session=False)
        )
    return rows


async def record(session: AsyncSession, outcomes: Sequence[Outcome]) -> None:
    """Write the outcomes of a claimed batch and give up the claims, in one executemany."""
    if not outcomes:
        return
    params = [
        {
            "id": o.id,
            "status": o.status,
            "attempts": o.attempts,
            "next_attempt_at": o.next_attempt_at,
            "channel": o.channel,
            "last_error": o.error,
            "sent_at": o.sent_at,
            "claimed_until": None,
        }
        for o in outcomes
    ]
    await session.execute(update(OutboxMessage), params)


async def drop_for(session: AsyncSession, openid: str, reason: str) -> None:
    """An unfollower gets nothing more; their rows keep the reason, not the openid."""
    mine = OutboxMessage.recipient == openid
    unsent = mine & OutboxMessage.status.in_((PENDING, WAITING))
    opts = {"synchronize_session": False}
    await session.execute(
        update(OutboxMessage).where(unsent).values(status=FAILED, last_error=reason).execution_options(**opts)
    )
    await session.execute(update(OutboxMessage).where(mine).values(recipient="").execution_options(**opts))


async def listing(session: AsyncSession, status: str | None = None, limit: int = 50) -> list[OutboxMessage]:
    stmt = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status:
        stmt = stmt.where(OutboxMessage.status == status)
    return list((await session.execute(stmt)).scalars())


async def counts(session: AsyncSession) -> dict[str, int]:
    stmt = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    return {status: n for status, n in (await session.execute(stmt)).all()}


async def retry(session: AsyncSession, row_id: int, now: dt.datetime) -> bool:
    stmt = (
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id, OutboxMessage.status.in_((FAILED, WAITING)))
        .values(status=PENDING, attempts=0, next_attempt_at=now, claimed_until=None, last_error=None)
        .execution_options(synchronize_session=False)
    )
    return (await session.execute(stmt)).rowcount == 1  # type: ignore[attr-defined]


async def purge(session: AsyncSession, sent_before: dt.datetime) -> int:
    stmt = delete(OutboxMessage).where(OutboxMessage.status == SENT, OutboxMessage.sent_at < sent_before)
    return (await session.execute(stmt)).rowcount  # type: ignore[attr-defined,no-any-return]
