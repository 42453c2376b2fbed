"""Issues and their timelines: filed, found, listed; every change leaves an event."""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import pending
from storage.models import OPEN_STATUSES, Building, Issue, IssueEvent, Reporter, Supporter
from storage.repos._sql import insert_for


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
    # Whom it is routed to as it is filed.
    assignee_id: int | None = None


class Filed(NamedTuple):
    """An issue filed in this transaction, as it will be written (storage.pending): the columns of
    `Issue`, read-only, since the row may already be on its way to the database."""

    id: int
    text: str
    category: str
    tags: list[str]
    scores: dict[str, Any]
    urgent: bool
    building_id: int | None
    reporter_id: int | None
    inbound_id: int | None
    source: str
    status: str
    level: int
    overdue: int
    assignee_id: int | None
    accept_due: dt.datetime | None
    resolve_due: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    rating: int | None = None
    merged_into: int | None = None

    @property
    def number(self) -> int:
        return self.id


# What a filed issue is read as by routing, alerts and replies.
AnyIssue = Issue | Filed


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
    overdue: int = 0
    building_id: int | None = None

    @classmethod
    def of(cls, issue: Issue, building: str | None, supporters: int) -> IssueRow:
        return cls(
            id=issue.id,
            number=issue.number,
            status=issue.status,
            category=issue.category,
            urgent=issue.urgent,
            building=building,
            text=issue.text,
            supporters=supporters,
            created_at=issue.created_at,
            overdue=issue.overdue,
            building_id=issue.building_id,
        )


_LARGEST = select(func.coalesce(func.max(Issue.id), 0))
_NEXTVAL = select(func.nextval(func.pg_get_serial_sequence("issues", "id")))


async def next_number(session: AsyncSession) -> int:
    """Allocate the next issue number without an INSERT, so a batch's issues are written together.

    PostgreSQL takes it from the column's sequence. SQLite continues from the largest number, which is
    safe because louwu's SQLite transactions begin IMMEDIATE: no other writer can be in between.
    """
    if session.bind.dialect.name == "postgresql":
        return (await session.execute(_NEXTVAL)).scalar_one()
    tx = session.sync_session.get_transaction()
    owner, number = session.info.get("next_issue_number", (None, 0))
    # A new transaction: another writer may have filed issues meanwhile.
    if owner is None or owner() is not tx:
        number = (await session.execute(_LARGEST)).scalar_one() + 1
    # A weak reference: a strong one would tie the session and its transaction in a cycle, left for
    # the garbage collector to find at every batch.
    session.info["next_issue_number"] = (weakref.ref(tx), number + 1)
    return number


async def create(
    session: AsyncSession,
    new: NewIssue,
    actor: str,
    now: dt.datetime,
    accept_due: dt.datetime | None = None,
    resolve_due: dt.datetime | None = None,
) -> Filed:
    """File a new issue and its `created` event; both are written with the rest of the batch."""
    issue = Filed(
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
        level=0,
        overdue=0,
        assignee_id=new.assignee_id,
        accept_due=accept_due,
        resolve_due=resolve_due,
        created_at=now,
        updated_at=now,
    )
    pending.queue(session, ISSUES, issue)  # written as the named tuple it is (storage.bulk)
    await add_event(session, issue.id, "created", actor, "", now)
    return issue


ISSUES = Issue.__table__
EVENTS = IssueEvent.__table__


async def add_event(
    session: AsyncSession, issue_id: int, kind: str, actor: str, note: str, now: dt.datetime
) -> None:
    # Queued, not executed: a batch's events are written in one executemany (storage.pending).
    pending.queue(
        session, EVENTS, {"issue_id": issue_id, "kind": kind, "actor": actor, "note": note, "created_at": now}
    )


async def count_events(session: AsyncSession, issue_id: int, kind: str) -> int:
    stmt = select(func.count(IssueEvent.id)).where(IssueEvent.issue_id == issue_id, IssueEvent.kind == kind)
    return int((await session.execute(stmt)).scalar_one())


async def latest_open_of(session: AsyncSession, reporter_id: int) -> Issue | None:
    stmt = (
        select(Issue)
        .where(Issue.reporter_id == reporter_id, Issue.status.in_(OPEN_STATUSES))
        .order_by(Issue.id.desc())
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def get(session: AsyncSession, number: int) -> Issue | None:
    if not 0 < number < 2**62:  # typed or sent by anyone: out of every backend's integer range is absent
        return None
    return await session.get(Issue, number)


async def candidates(
    session: AsyncSession, building_id: int, since: dt.datetime, limit: int = 200
) -> list[Issue]:
    """Open issues of a building raised since `since`, whatever their category: what a new complaint
    may join (two reports of one broken hand dryer can be tagged apart and are still one problem)."""
    stmt = (
        select(Issue)
        .where(
            Issue.building_id == building_id,
            Issue.status.in_(OPEN_STATUSES),
            Issue.created_at >= since,
        )
        .order_by(Issue.id.desc())
        .limit(limit)
    )
    return list((await session.execute(stmt)).scalars())


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


async def of_reporter(session: AsyncSession, reporter_id: int, statuses: Sequence[str]) -> list[Issue]:
    """Issues a reporter raised or supports, newest first."""
    supported = select(Supporter.issue_id).where(Supporter.reporter_id == reporter_id)
    stmt = (
        select(Issue)
        .where(
            (Issue.reporter_id == reporter_id) | Issue.id.in_(supported),
            Issue.status.in_(statuses),
        )
        .order_by(Issue.id.desc())
    )
    return list((await session.execute(stmt)).scalars())


async def unbound_open(session: AsyncSession, reporter_id: int) -> list[Issue]:
    stmt = select(Issue).where(
        Issue.reporter_id == reporter_id, Issue.building_id.is_(None), Issue.status.in_(OPEN_STATUSES)
    )
    return list((await session.execute(stmt)).scalars())


async def timeline(session: AsyncSession, issue_id: int) -> list[IssueEvent]:
    stmt = select(IssueEvent).where(IssueEvent.issue_id == issue_id).order_by(IssueEvent.id)
    return list((await session.execute(stmt)).scalars())


async def created_since(session: AsyncSession, since: dt.datetime) -> list[Issue]:
    stmt = select(Issue).where(Issue.created_at >= since).order_by(Issue.id)
    return list((await session.execute(stmt)).scalars())


async def open_issues(session: AsyncSession, limit: int = 5000) -> list[Issue]:
    stmt = select(Issue).where(Issue.status.in_(OPEN_STATUSES)).order_by(Issue.id).limit(limit)
    return list((await session.execute(stmt)).scalars())


async def mark_overdue(session: AsyncSession, issue_id: int, before: int, after: int) -> bool:
    """Move an issue's overdue stage only if no other process moved it first."""
    stmt = (
        update(Issue)
        .where(Issue.id == issue_id, Issue.overdue == before)
        .values(overdue=after)
        .execution_options(synchronize_session=False)
    )
    return (await session.execute(stmt)).rowcount == 1  # type: ignore[attr-defined]


async def events_between(
    session: AsyncSession, since: dt.datetime, until: dt.datetime
) -> list[tuple[Issue, IssueEvent]]:
    stmt = (
        select(Issue, IssueEvent)
        .join(IssueEvent, IssueEvent.issue_id == Issue.id)
        .where(IssueEvent.created_at >= since, IssueEvent.created_at < until)
        .order_by(IssueEvent.id)
    )
    return [(i, e) for i, e in (await session.execute(stmt)).all()]


async def supporters(session: AsyncSession, issue_id: int) -> list[Supporter]:
    stmt = select(Supporter).where(Supporter.issue_id == issue_id).order_by(Supporter.id)
    return list((await session.execute(stmt)).scalars())


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


async def last_note(session: AsyncSession, issue_id: int) -> str:
    """The newest note on the timeline (a resolution, a reason, a progress report), or ''."""
    stmt = (
        select(IssueEvent.note)
        .where(IssueEvent.issue_id == issue_id, IssueEvent.note != "", IssueEvent.kind != "supported")
        .order_by(IssueEvent.id.desc())
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none() or ""


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
    already = {into.reporter_id, *(s.reporter_id for s in await supporters(session, into.id))}
    moving = [(other.reporter_id, other.text, other.inbound_id, other.created_at)]
    moving += [
        (s.reporter_id, s.text, s.inbound_id, s.created_at) for s in await supporters(session, other.id)
    ]
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
