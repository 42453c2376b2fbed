"""Reporters: found or created by openid on every message, bound to a building, forgotten on unfollow."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Issue, Reporter, Supporter
from storage.repos._sql import insert_for


async def touch_many(session: AsyncSession, seen: dict[str, dt.datetime]) -> dict[str, Reporter]:
    """`touch` for a batch of senders in one statement: {openid: when their message arrived}."""
    table = insert_for(session, Reporter)
    stmt = (
        table.values(
            [
                {"openid": o, "subscribed": True, "first_seen_at": t, "last_inbound_at": t}
                for o, t in seen.items()
            ]
        )
        .on_conflict_do_update(
            index_elements=["openid"],
            set_={"last_inbound_at": table.excluded.last_inbound_at, "subscribed": True},
        )
        .returning(Reporter)
    )
    rows = (await session.execute(stmt, execution_options={"populate_existing": True})).scalars()
    return {r.openid: r for r in rows}


async def by_openid(session: AsyncSession, openid: str) -> Reporter | None:
    stmt = select(Reporter).where(Reporter.openid == openid)
    return (await session.execute(stmt)).scalar_one_or_none()


async def bind(session: AsyncSession, reporter_id: int, building_id: int) -> None:
    await session.execute(update(Reporter).where(Reporter.id == reporter_id).values(building_id=building_id))


async def forget(session: AsyncSession, openid: str) -> None:
    """WeChat asks that an unfollower's data go; their issues stay, de-identified (FK SET NULL)."""
    reporter = await by_openid(session, openid)
    if reporter is None:
        return
    await session.execute(update(Issue).where(Issue.reporter_id == reporter.id).values(reporter_id=None))
    await session.execute(
        update(Supporter).where(Supporter.reporter_id == reporter.id).values(reporter_id=None)
    )
    await session.execute(delete(Reporter).where(Reporter.id == reporter.id))
