"""Pictures and voice kept as evidence: queued when they arrive, claimed under a lease by whoever
fetches them, and read back for the people who may see the issue."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import MediaItem

PENDING, KEPT, PURGE = "pending", "kept", "purge"


async def queue(
    session: AsyncSession,
    issue_id: int | None,
    reporter_id: int | None,
    kind: str,
    media_id: str,
    now: dt.datetime,
) -> MediaItem:
    item = MediaItem(
        issue_id=issue_id,
        reporter_id=reporter_id,
        kind=kind,
        wechat_media_id=media_id[:128],
        status=PENDING,
        attempts=0,
        next_attempt_at=now,
        note="",
        content_type="",
        size=0,
        received_at=now,
    )
    session.add(item)
    return item


async def claim_due(
    session: AsyncSession, now: dt.datetime, limit: int, lease: dt.timedelta
) -> list[MediaItem]:
    """Up to `limit` media to fetch or purge now; several processes never claim the same one."""
    free = MediaItem.claimed_until.is_(None) | (MediaItem.claimed_until < now)
    due = ((MediaItem.status == PENDING) & (MediaItem.next_attempt_at <= now)) | (MediaItem.status == PURGE)
    stmt = select(MediaItem).where(due, free).order_by(MediaItem.id).limit(limit)
    if session.bind.dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    rows = list((await session.execute(stmt)).scalars())
    for row in rows:
        row.claimed_until = now + lease
    return rows


async def of_issue(session: AsyncSession, issue_id: int) -> list[MediaItem]:
    """Every medium of the issue, kept or not, oldest first (the page says why one was not kept)."""
    stmt = select(MediaItem).where(MediaItem.issue_id == issue_id, MediaItem.status != PURGE)
    return list((await session.execute(stmt.order_by(MediaItem.id))).scalars())


async def get(session: AsyncSession, media_id: int) -> MediaItem | None:
    item = await session.get(MediaItem, media_id)
    return item if item is not None and item.status == KEPT else None


async def received_before(session: AsyncSession, before: dt.datetime) -> list[MediaItem]:
    stmt = select(MediaItem).where(MediaItem.received_at < before).order_by(MediaItem.id)
    return list((await session.execute(stmt)).scalars())


async def forget_reporter(session: AsyncSession, reporter_id: int) -> None:
    """An unfollower's media go like the rest of their data: the next round removes the bytes."""
    await session.execute(
        update(MediaItem).where(MediaItem.reporter_id == reporter_id).values(status=PURGE, claimed_until=None)
    )
