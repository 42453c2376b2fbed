"""Reporters: found or created by openid on every message, bound to a building, forgotten on unfollow."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, case, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Issue, Reporter, Supporter
from storage.repos._sql import insert_for


@dataclass(frozen=True)
class Seen:
    """A sender's latest inbound in a batch; a real message or a subscribe/scan/click opens a window."""

    at: dt.datetime
    message_at: dt.datetime | None = None
    event_at: dt.datetime | None = None


async def touch_many(session: AsyncSession, seen: dict[str, Seen]) -> dict[str, Reporter]:
    """Find or create a batch of senders in one statement, restarting their customer-service quota."""
    stmt = _touch_statement(session)
    params = [
        {
            "openid": o,
            "subscribed": True,
            "first_seen_at": s.at,
            "last_inbound_at": s.at,
            "last_message_at": s.message_at,
            "message_sends": 0,
            "last_event_at": s.event_at,
            "event_sends": 0,
        }
        for o, s in seen.items()
    ]
    # A parameter list, not .values(list): one cached statement that SQLAlchemy renders as one
    # multi-row INSERT (insertmanyvalues), without coercing every value of every row anew.
    rows = (await session.execute(stmt, params, execution_options={"populate_existing": True})).scalars()
    return {r.openid: r for r in rows}


_TOUCH: dict[str, Any] = {}


def _touch_statement(session: AsyncSession) -> Any:
    """Built once per dialect: its `excluded` columns cost more to make than the statement to run."""
    dialect = session.bind.dialect.name
    if dialect not in _TOUCH:
        table = insert_for(session, Reporter)
        ex = table.excluded
        _TOUCH[dialect] = table.on_conflict_do_update(
            index_elements=["openid"],
            set_={
                "last_inbound_at": ex.last_inbound_at,
                "subscribed": True,
                "last_message_at": func.coalesce(ex.last_message_at, Reporter.last_message_at),
                "message_sends": case((ex.last_message_at.is_(None), Reporter.message_sends), else_=0),
                "last_event_at": func.coalesce(ex.last_event_at, Reporter.last_event_at),
                "event_sends": case((ex.last_event_at.is_(None), Reporter.event_sends), else_=0),
            },
        ).returning(Reporter)
    return _TOUCH[dialect]


async def by_openid(session: AsyncSession, openid: str) -> Reporter | None:
    stmt = select(Reporter).where(Reporter.openid == openid)
    return (await session.execute(stmt)).scalar_one_or_none()


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


async def openid_of(session: AsyncSession, reporter_id: int | None) -> str | None:
    """None for no one, or for someone who unfollowed since."""
    if reporter_id is None:
        return None
    return (await session.execute(select(Reporter.openid).where(Reporter.id == reporter_id))).scalar()


async def by_openids(session: AsyncSession, openids: list[str]) -> dict[str, Reporter]:
    stmt = select(Reporter).where(Reporter.openid.in_(openids))
    return {r.openid: r for r in (await session.execute(stmt)).scalars()}


async def count_sends(session: AsyncSession, sends: dict[str, tuple[int, int]]) -> None:
    """Add customer-service sends to each user's quota: {openid: (after a message, after an event)}."""
    params = [{"o": openid, "m": m, "e": e} for openid, (m, e) in sends.items() if m or e]
    if not params:
        return
    # Core table, not the entity: an UPDATE with WHERE over a parameter list is a plain executemany.
    t = Reporter.__table__.c
    stmt = (
        update(Reporter.__table__)
        .where(t.openid == bindparam("o"))
        .values(message_sends=t.message_sends + bindparam("m"), event_sends=t.event_sends + bindparam("e"))
    )
    await session.execute(stmt, params)
