"""Reporters: found or created by openid on every message, bound to a building, forgotten on unfollow."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, case, delete, func, literal_column, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import bulk
from storage.models import Issue, Reporter, Supporter
from storage.repos import media
from storage.repos._sql import Db, connection_of, insert_for, once_per_dialect


@dataclass(frozen=True)
class Seen:
    """A sender's latest inbound in a batch; a real message or a subscribe/scan/click opens a window."""

    at: dt.datetime
    message_at: dt.datetime | None = None
    event_at: dt.datetime | None = None


@dataclass(slots=True)
class Sender:
    """The reporter record of whoever sent a message, as handlers read it. Change it through
    `set_step` and `bind`, which keep this object and the row alike (a later message of the same
    batch sees the change)."""

    id: int
    openid: str
    building_id: int | None
    step: str | None
    step_data: dict[str, Any] | None


async def touch_many(db: Db, seen: dict[str, Seen]) -> dict[str, Sender]:
    """Find or create a batch of senders in one statement, restarting their customer-service quota."""
    stmt = _touch_statement(db)
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
    # One multi-row INSERT … ON CONFLICT DO UPDATE … RETURNING for the whole batch (storage.bulk).
    rows = await (await connection_of(db)).run_sync(lambda conn: bulk.insert_returning(conn, stmt, params))
    senders = {
        openid: Sender(id_, openid, building_id, step, None) for id_, openid, building_id, step in rows
    }
    # Only a sender in the middle of a dialogue has data to it: read for those alone.
    for sender in senders.values():
        if sender.step is not None:
            sender.step_data = await _step_data(db, sender.id)
    return senders


async def _step_data(db: Db, reporter_id: int) -> dict[str, Any] | None:
    return (await db.execute(select(_T.c.step_data).where(_T.c.id == reporter_id))).scalar()


async def set_step(
    session: AsyncSession, sender: Sender, step: str | None, data: dict[str, Any] | None
) -> None:
    """Start (or end, with None) a multi-step dialogue, such as choosing among buildings."""
    sender.step, sender.step_data = step, data
    await session.execute(_SET_STEP, {"row": sender.id, "step": step, "step_data": data})


async def bind(session: AsyncSession, sender: Sender, building_id: int) -> None:
    sender.building_id = building_id
    await session.execute(_BIND, {"row": sender.id, "building_id": building_id})


_T = Reporter.__table__
_SET_STEP = (
    update(_T)
    .where(_T.c.id == bindparam("row"))
    .values(step=bindparam("step"), step_data=bindparam("step_data"))
)
_BIND = update(_T).where(_T.c.id == bindparam("row")).values(building_id=bindparam("building_id"))


@once_per_dialect
def _touch_statement(db: Db) -> Any:
    table = insert_for(db, _T)  # the Core table: rows come back as tuples, not tracked objects
    ex, c = table.excluded, _T.c
    return table.on_conflict_do_update(
        index_elements=["openid"],
        set_={
            "last_inbound_at": ex.last_inbound_at,
            "subscribed": true(),
            "last_message_at": func.coalesce(ex.last_message_at, c.last_message_at),
            "message_sends": case((ex.last_message_at.is_(None), c.message_sends), else_=literal_column("0")),
            "last_event_at": func.coalesce(ex.last_event_at, c.last_event_at),
            "event_sends": case((ex.last_event_at.is_(None), c.event_sends), else_=literal_column("0")),
        },
    ).returning(c.id, c.openid, c.building_id, c.step)


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
    await media.forget_reporter(session, reporter.id)
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
