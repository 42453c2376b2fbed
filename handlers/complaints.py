"""Free text is a complaint: join the open issue it repeats (议题征集), or file and route a new one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from handlers import texts, workdays
from handlers.context import HandlerContext
from handlers.events import TextMessage
from handlers.replies import Reply, TextReply
from handlers.router import Router
from handlers.shared import lifecycle, responsibility
from nlp.emergency import NUMBERS, numbers_for
from nlp.engine import RulesEngine, Tagging
from nlp.pack import OTHER, Category
from storage import repos
from storage.models import Issue
from storage.repos.issues import IssueView, NewIssue

router = Router(name=__name__)
PROXY = "代报"  # the source of an issue a member filed for someone


@router.on(TextMessage)
async def complaint(msg: TextMessage, ctx: HandlerContext) -> Reply:
    if not msg.text.strip():
        return TextReply(texts.EMPTY_TEXT)
    return await file_complaint(ctx, msg.text.strip())


async def file_complaint(ctx: HandlerContext, text: str) -> Reply:
    """Shared by text and recognised voice: support a matching issue or file a new one; in danger,
    the emergency numbers and the building's duty phone come first."""
    tagging = ctx.rules.tag(text)
    same = await similar_open_issue(ctx, text, tagging)
    if same is not None and tagging.urgent and not same.urgent:
        same = None  # a danger is its own urgent issue, not a supporter of a calm one
    reply = await _support(ctx, same, text) if same is not None else await _file(ctx, text, tagging)
    if not tagging.urgent:
        return reply
    return TextReply(await _emergency_first(ctx, tagging) + reply.text)


async def _emergency_first(ctx: HandlerContext, tagging: Tagging) -> str:
    numbers = "、".join(f"{n}（{NUMBERS[n]}）" for n in numbers_for(tagging.urgent_words))
    building_id = ctx.reporter.building_id
    building = await repos.org.building(ctx.session, building_id) if building_id else None
    duty = ""
    if building is not None and building.duty_phone:
        duty = texts.EMERGENCY_DUTY.format(building=building.name, phone=building.duty_phone)
    return texts.EMERGENCY_FIRST.format(numbers=numbers, duty=duty)


async def similar_open_issue(ctx: HandlerContext, text: str, tagging: Tagging) -> Issue | None:
    """The open issue of the sender's building that this text repeats, if any: its category stands."""
    building_id = ctx.reporter.building_id
    if ctx.similarity is None or building_id is None:
        return None
    since = ctx.now - dt.timedelta(days=ctx.topics.window_days)
    found = await repos.issues.candidates(ctx.session, building_id, since)
    # Segmenting only when there is something to compare keeps the common path cheap.
    scored = [(ctx.similarity.score(text, issue.text), issue) for issue in found]
    best = max(scored, key=lambda s: s[0], default=(0.0, None))
    return best[1] if best[0] >= ctx.topics.threshold else None


async def _support(ctx: HandlerContext, issue: Issue, text: str) -> TextReply:
    await lifecycle.support(ctx.session, issue, ctx.reporter.id, ctx.actor, text, ctx.now, ctx.inbound_id)
    count = await repos.supporters.raised_by(ctx.session, issue.id)
    category = ctx.category_name(issue.category)
    minutes = ctx.topics.undo_minutes
    return TextReply(
        texts.SUPPORTED.format(number=issue.number, category=category, count=count, minutes=minutes)
    )


async def _file(ctx: HandlerContext, text: str, tagging: Tagging) -> TextReply:
    reporter = ctx.reporter
    category = ctx.category(tagging.primary)
    issue = await create(filing(ctx), text, tagging, reporter.building_id, reporter.id)
    template = texts.FILED_URGENT if tagging.urgent else texts.FILED
    then = await next_step(ctx.session, issue, category)
    return TextReply(template.format(number=issue.number, category=category.name, next_step=then))


async def next_step(session: AsyncSession, issue: IssueView, category: Category) -> str:
    """What happens to a newly filed issue, as its reporter is told."""
    if issue.building_id is None:
        return texts.NEXT_STEP_UNBOUND
    if category.id == OTHER:
        return texts.NEXT_STEP_OTHER
    building = await repos.org.building(session, issue.building_id)
    name = building.name if building else ""
    return texts.NEXT_STEP_BOUND.format(building=name, hours=category.accept_hours)


@dataclass(frozen=True)
class Filing:
    """Who files, when, and from which stored message (none for the admin web)."""

    session: AsyncSession
    rules: RulesEngine
    actor: str
    now: dt.datetime
    inbound_id: int | None = None


async def create(
    f: Filing,
    text: str,
    tagging: Tagging,
    building_id: int | None,
    reporter_id: int | None,
    source: str = "wechat",
) -> IssueView:
    """A new issue of this text, with its category's deadlines, routed to whoever answers for its
    building (an unbound one waits until its reporter names the building)."""
    category = f.rules.pack.category_or_other(tagging.primary)
    accept_due, resolve_due = lifecycle.deadlines(category, f.now, await workdays.current(f.session))
    members = (
        await responsibility.responsible_for(f.session, tagging.primary, building_id) if building_id else []
    )
    new = NewIssue(
        text=text,
        category=tagging.primary,
        tags=tagging.tags,
        scores=tagging.scores,
        urgent=tagging.urgent,
        building_id=building_id,
        reporter_id=reporter_id,
        inbound_id=f.inbound_id,
        source=source,
        assignee_id=members[0].id if members else None,
    )
    issue = await repos.issues.create(
        f.session, new, actor=f.actor, now=f.now, accept_due=accept_due, resolve_due=resolve_due
    )
    if members:
        await lifecycle.announce_route(f.session, issue, category.name, members, f.now)
    return issue


async def file_routed(
    f: Filing, text: str, building_id: int | None, reporter_id: int | None, source: str = "wechat"
) -> IssueView:
    """Tag and file a text as a new issue, routed to whoever answers for its building."""
    return await create(f, text, f.rules.tag(text), building_id, reporter_id, source)


async def file_on_behalf(f: Filing, building_id: int, text: str) -> IssueView:
    """What someone told a member in person, filed by the member (source 代报) and routed as usual;
    in the chat and in the admin web."""
    return await file_routed(f, text, building_id, None, PROXY)


def filing(ctx: HandlerContext) -> Filing:
    return Filing(ctx.session, ctx.rules, ctx.actor, ctx.now, ctx.inbound_id)
