"""The public read side of issues (Open311): filtered pages with no personal data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OPEN_STATUSES, Building, Issue


@dataclass(frozen=True)
class PublicFilter:
    """Open311's filters of requests.json; `codes` empty means every category."""

    codes: tuple[str, ...] = ()
    open_only: bool | None = None  # True: open, False: closed, None: both
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    page: int = 1
    size: int = 50


async def public_page(session: AsyncSession, f: PublicFilter) -> list[tuple[Issue, str | None]]:
    """Issues for Open311, newest first, each with its building's name (None if unbound)."""
    stmt = (
        select(Issue, Building.name)
        .outerjoin(Building, Building.id == Issue.building_id)
        .order_by(Issue.created_at.desc(), Issue.id.desc())
        .offset((f.page - 1) * f.size)
        .limit(f.size)
    )
    if f.codes:
        stmt = stmt.where(Issue.category.in_(f.codes))
    if f.open_only is not None:
        statuses = Issue.status.in_(OPEN_STATUSES)
        stmt = stmt.where(statuses if f.open_only else ~statuses)
    if f.start is not None:
        stmt = stmt.where(Issue.created_at >= f.start)
    if f.end is not None:
        stmt = stmt.where(Issue.created_at <= f.end)
    return [(issue, name) for issue, name in (await session.execute(stmt)).all()]
