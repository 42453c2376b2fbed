"""Issues and their numbers: filed, found and listed. Supporters, the timeline and the public read
side have modules of their own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import pending
from storage.models import OPEN_STATUSES, Issue, Supporter
from storage.repos import numbers, timeline


@dataclass(frozen=True)
class NewIssue:
    text: str
    category: str
    tags: Sequence[str]
    scores: dict[str, Any]
    urgent: bool
    building_id: int | None
    reporter_id: int | None
    inbound_id: int | None
    source: str = "wechat"
    # Whom it is routed to as it is filed.
    assignee_id: int | None = None


class Filed(NamedTuple):
    """An issue filed in this transaction, as it will be written (storage.pending): the columns of
    `Issue`, read-only, since the row may already be on its way to the database."""

    id: int
    text: str
    category: str
    tags: list[str]
    scores: dict[str, Any]
    urgent: bool
    building_id: int | None
    reporter_id: int | None
    inbound_id: int | None
    source: str
    status: str
    level: int
    overdue: int
    assignee_id: int | None
    accept_due: dt.datetime | None
    resolve_due: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    rating: int | None = None
    merged_into: int | None = None

    @property
    def number(self) -> int:
        return self.id


# The one issue type handlers read: a row, or one filed in this transaction and still queued
# (storage.pending). Read-only either way; changes go through the repositories.
IssueView = Issue | Filed


@dataclass(frozen=True)
class IssueRow:
    """An issue as lists and exports show it."""

    id: int
    number: int
    status: str
    category: str
    urgent: bool
    building: str | None
    text: str
    supporters: int
    created_at: dt.datetime
    overdue: int = 0
    building_id: int | None = None

    @classmethod
    def of(cls, issue: Issue, building: str | None, supporters: int) -> IssueRow:
        return cls(
            id=issue.id,
            number=issue.number,
            status=issue.status,
            category=issue.category,
            urgent=issue.urgent,
            building=building,
            text=issue.text,
            supporters=supporters,
            created_at=issue.created_at,
            overdue=issue.overdue,
            building_id=issue.building_id,
        )


async def create(
    session: AsyncSession,
    new: NewIssue,
    actor: str,
    now: dt.datetime,
    accept_due: dt.datetime | None = None,
    resolve_due: dt.datetime | None = None,
) -> Filed:
    """File a new issue and its `created` event; both are written with the rest of the batch."""
    issue = Filed(
        id=await numbers.next_number(session),
        text=new.text,
        category=new.category,
        tags=list(new.tags),
        scores=new.scores,
        urgent=new.urgent,
        building_id=new.building_id,
        reporter_id=new.reporter_id,
        inbound_id=new.inbound_id,
        source=new.source,
        status="new",
        level=0,
        overdue=0,
        assignee_id=new.assignee_id,
        accept_due=accept_due,
        resolve_due=resolve_due,
        created_at=now,
        updated_at=now,
    )
    pending.queue(session, ISSUES, issue)  # written as the named tuple it is (storage.bulk)
    await timeline.add_event(session, issue.id, "created", actor, "", now)
    return issue


ISSUES = Issue.__table__


async def latest_open_of(session: AsyncSession, reporter_id: int) -> Issue | None:
    stmt = (
        select(Issue)
        .where(Issue.reporter_id == reporter_id, Issue.status.in_(OPEN_STATUSES))
        .order_by(Issue.id.desc())
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def get(session: AsyncSession, number: int) -> Issue | None:
    if not 0 < number < 2**62:  # typed or sent by anyone: out of every backend's integer range is absent
        return None
    return await session.get(Issue, number)


async def candidates(
    session: AsyncSession, building_id: int, since: dt.datetime, limit: int = 200
) -> list[Issue]:
    """Open issues of a building raised since `since`, whatever their category: what a new complaint
    may join (two reports of one broken hand dryer can be tagged apart and are still one problem)."""
    stmt = (
        select(Issue)
        .where(
            Issue.building_id == building_id,
            Issue.status.in_(OPEN_STATUSES),
            Issue.created_at >= since,
        )
        .order_by(Issue.id.desc())
        .limit(limit)
    )
    return list((await session.execute(stmt)).scalars())


async def of_reporter(session: AsyncSession, reporter_id: int, statuses: Sequence[str]) -> list[Issue]:
    """Issues a reporter raised or supports, newest first."""
    supported = select(Supporter.issue_id).where(Supporter.reporter_id == reporter_id)
    stmt = (
        select(Issue)
        .where(
            (Issue.reporter_id == reporter_id) | Issue.id.in_(supported),
            Issue.status.in_(statuses),
        )
        .order_by(Issue.id.desc())
    )
    return list((await session.execute(stmt)).scalars())


async def unbound_open(session: AsyncSession, reporter_id: int) -> list[Issue]:
    stmt = select(Issue).where(
        Issue.reporter_id == reporter_id, Issue.building_id.is_(None), Issue.status.in_(OPEN_STATUSES)
    )
    return list((await session.execute(stmt)).scalars())


async def created_since(session: AsyncSession, since: dt.datetime) -> list[Issue]:
    stmt = select(Issue).where(Issue.created_at >= since).order_by(Issue.id)
    return list((await session.execute(stmt)).scalars())


async def open_issues(session: AsyncSession, limit: int = 5000) -> list[Issue]:
    stmt = select(Issue).where(Issue.status.in_(OPEN_STATUSES)).order_by(Issue.id).limit(limit)
    return list((await session.execute(stmt)).scalars())


async def mark_overdue(session: AsyncSession, issue_id: int, before: int, after: int) -> bool:
    """Move an issue's overdue stage only if no other process moved it first."""
    stmt = (
        update(Issue)
        .where(Issue.id == issue_id, Issue.overdue == before)
        .values(overdue=after)
        .execution_options(synchronize_session=False)
    )
    return (await session.execute(stmt)).rowcount == 1  # type: ignore[attr-defined]
