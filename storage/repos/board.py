"""The issues board: filtered, sorted, paged lists of issues with their supporter counts."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OPEN_STATUSES, Building, Issue, Supporter
from storage.repos.issues import IssueRow

SORTS = ("newest", "oldest", "supporters")


@dataclass(frozen=True)
class BoardQuery:
    status: str = ""  # a status, "open", or "" for all
    category: str = ""
    building_id: int | None = None
    urgent: bool = False
    overdue: bool = False
    text: str = ""
    sort: str = "newest"
    page: int = 1
    size: int = 25
    # None: every building (an admin); otherwise only these (a convener's scope).
    within: Collection[int] | None = None
    # How the reader sees a text (masked, for a token without the right to personal data): the
    # search matches what they see, so it cannot probe hidden digits one guess at a time.
    seen_as: Callable[[str], str] | None = None


@dataclass(frozen=True)
class BoardPage:
    rows: list[IssueRow]
    total: int
    query: BoardQuery

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.size))


def _supporters() -> Select[tuple[int, int]]:
    return select(Supporter.issue_id, func.count(Supporter.id).label("n")).group_by(Supporter.issue_id)


async def board(session: AsyncSession, q: BoardQuery) -> BoardPage:
    counts = _supporters().subquery()
    stmt = (
        select(Issue, Building.name, func.coalesce(counts.c.n, 0).label("n"))
        .outerjoin(Building, Building.id == Issue.building_id)
        .outerjoin(counts, counts.c.issue_id == Issue.id)
    )
    if q.status == "open":
        stmt = stmt.where(Issue.status.in_(OPEN_STATUSES))
    elif q.status:
        stmt = stmt.where(Issue.status == q.status)
    if q.category:
        stmt = stmt.where(Issue.category == q.category)
    if q.building_id is not None:
        stmt = stmt.where(Issue.building_id == q.building_id)
    if q.within is not None:
        stmt = stmt.where(Issue.building_id.in_(list(q.within)))
    if q.urgent:
        stmt = stmt.where(Issue.urgent.is_(True))
    if q.overdue:
        stmt = stmt.where(Issue.overdue > 0)
    if q.text:
        stmt = await _matching(session, stmt, q)
    total = await session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    order = {
        "oldest": (Issue.id.asc(),),
        "supporters": (func.coalesce(counts.c.n, 0).desc(), Issue.id.asc()),
    }.get(q.sort, (Issue.id.desc(),))
    stmt = stmt.order_by(*order).limit(q.size).offset((max(q.page, 1) - 1) * q.size)
    rows = [IssueRow.of(issue, building, n) for issue, building, n in (await session.execute(stmt)).all()]
    return BoardPage(rows, total, q)


async def _matching(session: AsyncSession, stmt: Select[Any], q: BoardQuery) -> Select[Any]:
    if q.seen_as is None:
        return stmt.where(Issue.text.contains(q.text, autoescape=True))
    # A stretch without "*" of a masked text is also in the stored one, so the database narrows first.
    found = stmt.with_only_columns(Issue.id, Issue.text)
    if "*" not in q.text:
        found = found.where(Issue.text.contains(q.text, autoescape=True))
    seen = q.seen_as
    ids = [i for i, text in (await session.execute(found)).all() if q.text in seen(text)]
    return stmt.where(Issue.id.in_(ids))
