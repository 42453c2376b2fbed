"""Supporters of an issue: the people who raised the same problem, and who hears of it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OPEN_STATUSES, Issue, Reporter, Supporter
from storage.repos._sql import insert_for


async def add_supporter(
    session: AsyncSession,
    issue_id: int,
    reporter_id: int,
    text: str,
    now: dt.datetime,
    inbound_id: int | None = None,
) -> bool:
    """Make a reporter a supporter (附议); False if they already were."""
    stmt = (
        insert_for(session, Supporter)
        .values(issue_id=issue_id, reporter_id=reporter_id, text=text, inbound_id=inbound_id, created_at=now)
        .on_conflict_do_nothing(index_elements=["issue_id", "reporter_id"])
        .returning(Supporter.id)
    )
    return (await session.execute(stmt)).first() is not None


async def supporter_count(session: AsyncSession, issue_id: int) -> int:
    stmt = select(func.count(Supporter.id)).where(Supporter.issue_id == issue_id)
    return (await session.execute(stmt)).scalar_one()


async def raised_by(session: AsyncSession, issue_id: int) -> int:
    """How many people raised it: the reporter and every supporter."""
    return 1 + await supporter_count(session, issue_id)


async def is_on(session: AsyncSession, issue: Issue, reporter_id: int) -> bool:
    """Whether a reporter raised or supports the issue."""
    if issue.reporter_id == reporter_id:
        return True
    stmt = select(Supporter.id).where(Supporter.issue_id == issue.id, Supporter.reporter_id == reporter_id)
    return (await session.execute(stmt)).first() is not None


@dataclass(frozen=True)
class Audience:
    """Everyone on an issue: its reporter (None once they unfollowed) and its other supporters."""

    reporter: str | None
    supporters: list[str]

    def everyone(self) -> list[str]:
        return ([self.reporter] if self.reporter else []) + self.supporters


async def audience(session: AsyncSession, issue_id: int) -> Audience:
    reporter = (
        select(Reporter.openid).join(Issue, Issue.reporter_id == Reporter.id).where(Issue.id == issue_id)
    )
    supporters = (
        select(Reporter.openid)
        .join(Supporter, Supporter.reporter_id == Reporter.id)
        .where(Supporter.issue_id == issue_id)
        .order_by(Supporter.id)
    )
    owner = (await session.execute(reporter)).scalar_one_or_none()
    return Audience(owner, [o for o in (await session.execute(supporters)).scalars() if o != owner])


async def of_issue(session: AsyncSession, issue_id: int) -> list[Supporter]:
    stmt = select(Supporter).where(Supporter.issue_id == issue_id).order_by(Supporter.id)
    return list((await session.execute(stmt)).scalars())


async def remove_supporter(session: AsyncSession, supporter_id: int) -> None:
    await session.execute(delete(Supporter).where(Supporter.id == supporter_id))


async def latest_join(session: AsyncSession, reporter_id: int) -> tuple[Supporter, Issue] | None:
    """The reporter's newest complaint that joined an open issue as a supporter, with that issue."""
    stmt = (
        select(Supporter, Issue)
        .join(Issue, Issue.id == Supporter.issue_id)
        .where(Supporter.reporter_id == reporter_id, Supporter.text != "", Issue.status.in_(OPEN_STATUSES))
        .order_by(Supporter.id.desc())
        .limit(1)
    )
    row = (await session.execute(stmt)).first()
    return (row[0], row[1]) if row else None


async def move_people(session: AsyncSession, other: Issue, into: Issue) -> int:
    """Make `other`'s reporter and supporters supporters of `into` (each once, with what they
    wrote); returns how many were added."""
    already = {into.reporter_id, *(s.reporter_id for s in await of_issue(session, into.id))}
    moving = [(other.reporter_id, other.text, other.inbound_id, other.created_at)]
    moving += [(s.reporter_id, s.text, s.inbound_id, s.created_at) for s in await of_issue(session, other.id)]
    rows = {
        r: {"issue_id": into.id, "reporter_id": r, "text": text, "inbound_id": inbound, "created_at": joined}
        for r, text, inbound, joined in moving
        if r is not None and r not in already
    }
    await session.execute(delete(Supporter).where(Supporter.issue_id == other.id))
    if rows:
        # One statement for them all; a 附议 to `into` committed meanwhile wins over its copy here.
        stmt = insert_for(session, Supporter).on_conflict_do_nothing(
            index_elements=["issue_id", "reporter_id"]
        )
        await session.execute(stmt, list(rows.values()))
    return len(rows)
