"""Reporters: found or created by openid on every message, bound to a building, forgotten on unfollow."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Reporter
from storage.repos._sql import insert_for


async def touch(session: AsyncSession, openid: str, now: dt.datetime) -> Reporter:
    """The reporter for `openid`, created on first contact; marks the start of WeChat's 48 h window."""
    stmt = (
        insert_for(session, Reporter)
        .values(openid=openid, subscribed=True, first_seen_at=now, last_inbound_at=now)
        .on_conflict_do_update(
            index_elements=["openid"], set_={"last_inbound_at": now, "subscribed": True}
        )
        .returning(Reporter)
    )
    return (await session.execute(stmt)).scalar_one()


async def by_openid(session: AsyncSession, openid: str) -> Reporter | None:
    stmt = select(Reporter).where(Reporter.openid == openid)
    return (await session.execute(stmt)).scalar_one_or_none()


async def bind(session: AsyncSession, reporter_id: int, building_id: int) -> None:
    await session.execute(
        update(Reporter).where(Reporter.id == reporter_id).values(building_id=building_id)
    )


async def forget(session: AsyncSession, openid: str) -> None:
    """WeChat asks that an unfollower's data go; their issues stay, de-identified (FK SET NULL)."""
    reporter = await by_openid(session, openid)
    if reporter is None:
        return
    from storage.models import Issue, Supporter

    await session.execute(
        update(Issue).where(Issue.reporter_id == reporter.id).values(reporter_id=None)
    )
    await session.execute(
        update(Supporter).where(Supporter.reporter_id == reporter.id).values(reporter_id=None)
    )
    await session.execute(delete(Reporter).where(Reporter.id == reporter.id))
