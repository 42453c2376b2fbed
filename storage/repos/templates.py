"""Reply templates: the admins' sentences per category and state."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ANY_CATEGORY, ReplyTemplate


async def find(session: AsyncSession, category: str, state: str) -> ReplyTemplate | None:
    """The category's own template of the state, else the one for every category, else None."""
    stmt = select(ReplyTemplate).where(
        ReplyTemplate.state == state, ReplyTemplate.category.in_((category, ANY_CATEGORY))
    )
    found = {t.category: t for t in (await session.execute(stmt)).scalars()}
    return found.get(category) or found.get(ANY_CATEGORY)


async def all_templates(session: AsyncSession) -> list[ReplyTemplate]:
    stmt = select(ReplyTemplate).order_by(ReplyTemplate.state, ReplyTemplate.category)
    return list((await session.execute(stmt)).scalars())


async def put(
    session: AsyncSession, category: str, state: str, text: str, actor: str, now: dt.datetime
) -> str:
    """Set a template; returns the text it replaced ('' if none)."""
    row = await session.get(ReplyTemplate, (category, state))
    if row is None:
        session.add(
            ReplyTemplate(category=category, state=state, text=text, updated_by=actor, updated_at=now)
        )
        return ""
    before = row.text
    row.text, row.updated_by, row.updated_at = text, actor, now
    return before


async def remove(session: AsyncSession, category: str, state: str) -> str:
    """Drop a template (the built-in sentence applies again); returns its text ('' if none)."""
    row = await session.get(ReplyTemplate, (category, state))
    if row is None:
        return ""
    await session.execute(
        delete(ReplyTemplate).where(ReplyTemplate.category == category, ReplyTemplate.state == state)
    )
    return row.text
