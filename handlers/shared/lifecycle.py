"""The issue lifecycle of SPEC.md: legal transitions, each an event on the timeline, everyone told.

new → accepted → in_progress → resolved → closed; side exits rejected and withdrawn; a 不满意 rating
reopens a resolved issue and escalates it. Routing, transfer and escalation change who holds it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from handlers import texts, workdays
from handlers.refusals import Refusal
from handlers.shared import notify, responsibility
from nlp.pack import Category
from storage import repos
from storage.models import OPEN_STATUSES, Issue, Member
from storage.repos.issues import IssueView

OPEN = frozenset(OPEN_STATUSES)


@dataclass(frozen=True)
class Action:
    verb: str  # as replies say it: 不能{verb}
    event: str  # the timeline's kind
    allowed: frozenset[str]
    to: str | None  # None: the status stays
    tell: str  # what everyone on the issue hears; {note}, {target}


ACTIONS = {
    # What these four tell comes from the reply templates (handlers/reply_templates.py).
    "accept": Action("受理", "accepted", frozenset({"new"}), "accepted", ""),
    "progress": Action("更新进展", "progress", frozenset({"accepted", "in_progress"}), "in_progress", ""),
    "resolve": Action("办结", "resolved", OPEN, "resolved", ""),
    "reject": Action("驳回", "rejected", OPEN, "rejected", ""),
    "withdraw": Action("撤回", "withdrawn", OPEN, "withdrawn", "已由提出人撤回。"),
    "transfer": Action("转派", "transferred", OPEN, None, "已转派给{target}办理。理由：{note}"),
    "escalate": Action("上报", "escalated", OPEN, None, "已上报{target}督办。"),
    "rate": Action("评价", "rated", frozenset({"resolved"}), "closed", "已结案，评价「{note}」。谢谢！"),
    "reopen": Action(
        "评价",
        "reopened",
        frozenset({"resolved"}),
        "in_progress",
        "因评价不满意，已重新办理并上报{target}督办。",
    ),
}


class Refused(Refusal):
    """The action cannot go ahead; `reply` says why."""


class IllegalTransition(Refusal):
    """The issue's status does not admit the action."""

    def __init__(self, issue: Issue, action: Action) -> None:
        status = texts.STATUS_NAMES[issue.status]
        super().__init__(texts.ILLEGAL.format(number=issue.number, status=status, verb=action.verb))


def check(issue: Issue, name: str) -> Action:
    action = ACTIONS[name]
    if issue.status not in action.allowed:
        raise IllegalTransition(issue, action)
    return action


async def apply(
    session: AsyncSession,
    issue: Issue,
    name: str,
    actor: str,
    now: dt.datetime,
    note: str = "",
    target: str = "",
    skip: tuple[str, ...] = (),
    what: str = "",
    also: str = "",
) -> int:
    """Make a transition, put it on the timeline and tell everyone on the issue (`what`, else the
    action's sentence; then `also`); returns how many were told."""
    action = check(issue, name)
    if action.to and action.to != issue.status:
        issue.status = action.to
        issue.overdue = 0
    issue.updated_at = now
    await repos.timeline.add_event(
        session, issue.id, action.event, actor, "：".join(filter(None, (target, note))), now
    )
    what = what or action.tell.format(note=note, target=target, number=issue.number).strip()
    return await notify.tell(session, issue, what + also, now, skip)


def deadlines(
    category: Category, now: dt.datetime, calendar: workdays.WorkCalendar
) -> tuple[dt.datetime, dt.datetime]:
    """Accept within the category's hours; resolve by the end of its number of working days."""
    return now + dt.timedelta(hours=category.accept_hours), calendar.due(now, category.resolve_days)


PROMISED = frozenset({"accepted", "in_progress"})


def promised(issue: Issue) -> dt.datetime | None:
    """The deadline people were told on acceptance, while the issue is being handled."""
    return issue.resolve_due if issue.status in PROMISED else None


async def promise(session: AsyncSession, issue: Issue, category: Category, now: dt.datetime) -> str:
    """Set the date of resolution: the category's working days from now; returns it as said."""
    issue.resolve_due = (await workdays.current(session)).due(now, category.resolve_days)
    return workdays.say_date(issue.resolve_due)


async def reschedule(
    session: AsyncSession, issue: Issue, category: Category, now: dt.datetime, why: str
) -> str:
    """A new holder gets the category's working days again. Returns what to tell the people who
    were promised a date (the new one and why), or '' when nothing was promised or it stays."""
    before = promised(issue)
    if before is None:
        return ""
    due = (await workdays.current(session)).due(now, category.resolve_days)
    was = workdays.say_date(before)
    if due <= before or workdays.say_date(due) == was:
        return ""
    new = await promise(session, issue, category, now)
    await repos.timeline.add_event(session, issue.id, "due", "system", f"{was} → {new}：{why}", now)
    return texts.DUE_MOVED.format(was=was, due=new, why=why)


async def route(session: AsyncSession, issue: Issue, category_name: str, now: dt.datetime) -> list[Member]:
    """Give an issue filed before its building was known to whoever is responsible, and alert them."""
    # Reading members and grids needs no flush of the issues this transaction is writing.
    with session.no_autoflush:
        members = await responsibility.responsible(session, issue)
    if members:
        issue.assignee_id = members[0].id
        await announce_route(session, issue, category_name, members, now)
    return members


async def announce_route(
    session: AsyncSession, issue: IssueView, category_name: str, members: list[Member], now: dt.datetime
) -> None:
    """Put who holds a new issue on its timeline and alert them."""
    names = "、".join(m.name for m in members)
    await repos.timeline.add_event(session, issue.id, "routed", "system", names, now)
    # New or newly bound: no one can have supported it yet.
    await notify.alert(session, issue, category_name, members, now, count=1)


async def raise_level(
    session: AsyncSession,
    issue: Issue,
    category_name: str,
    actor: str,
    now: dt.datetime,
    why: str,
    history: list[str] | None = None,
) -> list[Member]:
    """Raise the issue one grid level: the leaders there hold it and are alerted. [] at the top."""
    issue.level += 1
    leaders = await responsibility.responsible(session, issue)
    if not leaders or leaders[0].id == issue.assignee_id:
        issue.level -= 1
        return []
    issue.assignee_id = leaders[0].id
    issue.updated_at = now
    await notify.alert(session, issue, category_name, leaders, now, tag=f"督办·{why}", history=history)
    return leaders


async def escalate(
    session: AsyncSession,
    issue: Issue,
    category: Category,
    actor: str,
    now: dt.datetime,
    why: str,
    note: str = "",
    history: list[str] | None = None,
) -> str:
    """Escalate one grid level, move the promised date, and tell everyone on the issue; returns
    whom it went to ('' at the top, where nothing changes)."""
    leaders = await raise_level(session, issue, category.name, actor, now, why, history=history)
    if not leaders:
        return ""
    target = "、".join(m.name for m in leaders)
    also = await reschedule(session, issue, category, now, f"{why}，已上报{target}")
    await apply(session, issue, "escalate", actor, now, note=note, target=target, also=also)
    return target


async def support(
    session: AsyncSession,
    issue: Issue,
    reporter_id: int,
    actor: str,
    text: str,
    now: dt.datetime,
    inbound_id: int | None = None,
) -> bool:
    """Add a supporter (附议) and put it on the timeline; False if they raised or support it already."""
    if issue.reporter_id == reporter_id:
        return False
    if not await repos.supporters.add_supporter(session, issue.id, reporter_id, text, now, inbound_id):
        return False
    await repos.timeline.add_event(session, issue.id, "supported", actor, text, now)
    return True
