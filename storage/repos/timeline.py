"""An issue's timeline: every change leaves an event."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import pending
from storage.models import Issue, IssueEvent

EVENTS = IssueEvent.__table__


async def add_event(
    session: AsyncSession, issue_id: int, kind: str, actor: str, note: str, now: dt.datetime
) -> None:
    # Queued, not executed: a batch's events are written in one executemany (storage.pending).
    pending.queue(
        session, EVENTS, {"issue_id": issue_id, "kind": kind, "actor": actor, "note": note, "created_at": now}
    )


async def count_events(session: AsyncSession, issue_id: int, kind: str) -> int:
    stmt = select(func.count(IssueEvent.id)).where(IssueEvent.issue_id == issue_id, IssueEvent.kind == kind)
    return int((await session.execute(stmt)).scalar_one())


async def events_of(session: AsyncSession, issue_id: int) -> list[IssueEvent]:
    stmt = select(IssueEvent).where(IssueEvent.issue_id == issue_id).order_by(IssueEvent.id)
    return list((await session.execute(stmt)).scalars())


async def events_between(
    session: AsyncSession, since: dt.datetime, until: dt.datetime
) -> list[tuple[Issue, IssueEvent]]:
    stmt = (
        select(Issue, IssueEvent)
        .join(IssueEvent, IssueEvent.issue_id == Issue.id)
        .where(IssueEvent.created_at >= since, IssueEvent.created_at < until)
        .order_by(IssueEvent.id)
    )
    return [(i, e) for i, e in (await session.execute(stmt)).all()]


async def last_note(session: AsyncSession, issue_id: int) -> str:
    """The newest note on the timeline (a resolution, a reason, a progress report), or ''."""
    stmt = (
        select(IssueEvent.note)
        .where(IssueEvent.issue_id == issue_id, IssueEvent.note != "", IssueEvent.kind != "supported")
        .order_by(IssueEvent.id.desc())
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none() or ""
