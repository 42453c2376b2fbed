"""Issues and their timelines: filed, found, listed; every change leaves an event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OPEN_STATUSES, Building, Issue, IssueEvent, Supporter


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


async def next_number(session: AsyncSession) -> int:
    """Allocate the next issue number without an INSERT, so a batch's issues are written together.

    PostgreSQL takes it from the column's sequence. SQLite continues from the largest number, which is
    safe because louwu's SQLite transactions begin IMMEDIATE: no other writer can be in between.
    """
    if session.bind.dialect.name == "postgresql":
        stmt = select(func.nextval(func.pg_get_serial_sequence("issues", "id")))
        return (await session.execute(stmt)).scalar_one()
    tx = session.sync_session.get_transaction()
    owner, number = session.info.get("next_issue_number", (None, 0))
    if owner is not tx:  # a new transaction: another writer may have filed issues meanwhile
        number = (await session.execute(select(func.coalesce(func.max(Issue.id), 0)))).scalar_one() + 1
    session.info["next_issue_number"] = (tx, number + 1)
    return number


async def create(session: AsyncSession, new: NewIssue, actor: str, now: dt.datetime) -> Issue:
    issue = Issue(
        id=await next_number(session),
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
        created_at=now,
        updated_at=now,
    )
    session.add(issue)
    await add_event(session, issue.id, "created", actor, "", now)
    return issue


async def add_event(
    session: AsyncSession, issue_id: int, kind: str, actor: str, note: str, now: dt.datetime
) -> None:
    # Added, not executed: the unit of work writes a batch's events in one executemany.
    session.add(IssueEvent(issue_id=issue_id, kind=kind, actor=actor, note=note, created_at=now))


async def latest_open_of(session: AsyncSession, reporter_id: int) -> Issue | None:
    stmt = (
        select(Issue)
        .where(Issue.reporter_id == reporter_id, Issue.status.in_(OPEN_STATUSES))
        .order_by(Issue.id.desc())
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def rows(session: AsyncSession, status: str | None = None, limit: int | None = None) -> list[IssueRow]:
    supporters = (
        select(Supporter.issue_id, func.count(Supporter.id).label("n"))
        .group_by(Supporter.issue_id)
        .subquery()
    )
    stmt = (
        select(Issue, Building.name, func.coalesce(supporters.c.n, 0))
        .outerjoin(Building, Building.id == Issue.building_id)
        .outerjoin(supporters, supporters.c.issue_id == Issue.id)
        .order_by(Issue.id)
    )
    if status:
        stmt = stmt.where(Issue.status == status)
    if limit:
        stmt = stmt.limit(limit)
    out = []
    for issue, building, n in (await session.execute(stmt)).all():
        out.append(
            IssueRow(
                id=issue.id,
                number=issue.number,
                status=issue.status,
                category=issue.category,
                urgent=issue.urgent,
                building=building,
                text=issue.text,
                supporters=n,
                created_at=issue.created_at,
            )
        )
    return out
