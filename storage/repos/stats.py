"""What the dashboard counts: issues with when they were first accepted and resolved, and the tag
they were filed under when a person corrected it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Issue, IssueEvent, LabelledExample


@dataclass(frozen=True)
class IssueFacts:
    category: str
    status: str
    created_at: dt.datetime
    accepted_at: dt.datetime | None
    resolved_at: dt.datetime | None
    rating: int | None
    overdue: int
    first_tag: str = ""  # the category it was filed under, before anyone corrected it
    corrected: bool = False


async def facts(
    session: AsyncSession, since: dt.datetime, within: Collection[int] | None
) -> list[IssueFacts]:
    firsts = (
        select(
            IssueEvent.issue_id,
            IssueEvent.kind,
            func.min(IssueEvent.created_at, type_=IssueEvent.created_at.type).label("at"),
        )
        .where(IssueEvent.kind.in_(("accepted", "resolved")))
        .group_by(IssueEvent.issue_id, IssueEvent.kind)
        .subquery()
    )
    stmt = select(
        Issue.id, Issue.category, Issue.status, Issue.created_at, Issue.rating, Issue.overdue
    ).where(Issue.created_at >= since)
    if within is not None:
        stmt = stmt.where(Issue.building_id.in_(list(within)))
    issues = (await session.execute(stmt)).all()
    ids = [row.id for row in issues]
    times: dict[tuple[int, str], dt.datetime] = {}
    was: dict[int, str] = {}
    if ids:
        rows = await session.execute(select(firsts).where(firsts.c.issue_id.in_(ids)))
        times = {(r.issue_id, r.kind): r.at for r in rows}
        fixes = select(LabelledExample.issue_id, LabelledExample.was).where(LabelledExample.issue_id.in_(ids))
        for issue_id, before in (await session.execute(fixes.order_by(LabelledExample.id.desc()))).all():
            was[issue_id] = before  # the earliest correction's "was" is written last
    return [
        IssueFacts(
            r.category,
            r.status,
            r.created_at,
            times.get((r.id, "accepted")),
            times.get((r.id, "resolved")),
            r.rating,
            r.overdue,
            was.get(r.id, r.category),
            r.id in was,
        )
        for r in issues
    ]
