"""The committee's commands: 待办, 受理, 进展, 办结, 转派, 上报, 驳回 — only on issues they answer for."""

from __future__ import annotations

from handlers import lifecycle, notify, routing, texts
from handlers.context import HandlerContext
from handlers.events import TextMessage
from handlers.filters import Command
from handlers.replies import Reply, TextReply
from handlers.router import Router
from storage import repos
from storage.models import Issue, Member

router = Router(name=__name__)

NOTE_EXAMPLES = {"进展": "已联系物业", "办结": "新食堂已开业", "转派": "物业经理", "驳回": "不属于楼务范围"}


class Refused(Exception):
    """The command cannot go ahead; `reply` says why."""

    def __init__(self, reply: str) -> None:
        super().__init__(reply)
        self.reply = reply


async def _issue_for(ctx: HandlerContext, word: str, number: int | None, verb: str) -> tuple[Member, Issue]:
    """The member and the issue they may act on, or Refused with the reason."""
    if ctx.member is None:
        raise Refused(texts.NOT_A_MEMBER.format(word=word))
    if number is None:
        raise Refused(texts.NUMBER_MISSING.format(word=word))
    issue = await repos.issues.get(ctx.session, number)
    if issue is None:
        raise Refused(texts.NOT_FOUND.format(number=number))
    if not await routing.may_act(ctx.session, ctx.member, issue):
        building = await notify.building_name(ctx.session, issue)
        raise Refused(texts.NOT_RESPONSIBLE.format(number=number, building=building, verb=verb))
    return ctx.member, issue


def _needs_note(word: str, number: int, note: str) -> None:
    if not note:
        raise Refused(texts.NOTE_MISSING.format(word=word, number=number, example=NOTE_EXAMPLES[word]))


@router.on(TextMessage, Command("待办", aliases=("我的待办",)))
async def todo(msg: TextMessage, ctx: HandlerContext) -> Reply:
    if ctx.member is None:
        return TextReply(texts.NOT_A_MEMBER.format(word="待办"))
    mine = await routing.answerable(ctx.session, ctx.member, await repos.issues.open_issues(ctx.session))
    if not mine:
        return TextReply(texts.TODO_NONE)
    head = texts.TODO_HEAD.format(count=len(mine))
    lines = await notify.todo_lines(ctx.session, mine, ctx.category_name, limit=15)
    return TextReply("\n".join([head, *lines]))


async def _transition(ctx: HandlerContext, word: str, name: str, number: int | None, note: str = "") -> Reply:
    action = lifecycle.ACTIONS[name]
    try:
        member, issue = await _issue_for(ctx, word, number, action.verb)
        if name in ("progress", "resolve", "reject"):
            _needs_note(word, issue.number, note)
        if name == "accept":
            lifecycle.check(issue, name)
            issue.assignee_id = member.id
        told = await lifecycle.apply(ctx.session, issue, name, ctx.actor, ctx.now, note=note)
    except (Refused, lifecycle.IllegalTransition) as exc:
        return TextReply(exc.reply)
    return TextReply(texts.DONE.format(verb=action.verb, number=issue.number, count=told))


@router.on(TextMessage, Command("受理", args="number"))
async def accept(msg: TextMessage, ctx: HandlerContext, number: int | None) -> Reply:
    return await _transition(ctx, "受理", "accept", number)


@router.on(TextMessage, Command("进展", aliases=("进度更新",), args="number_text"))
async def progress(msg: TextMessage, ctx: HandlerContext, number: int | None, note: str) -> Reply:
    return await _transition(ctx, "进展", "progress", number, note)


@router.on(TextMessage, Command("办结", aliases=("完成", "已办结"), args="number_text"))
async def resolve(msg: TextMessage, ctx: HandlerContext, number: int | None, note: str) -> Reply:
    return await _transition(ctx, "办结", "resolve", number, note)


@router.on(TextMessage, Command("驳回", aliases=("不予受理",), args="number_text"))
async def reject(msg: TextMessage, ctx: HandlerContext, number: int | None, note: str) -> Reply:
    return await _transition(ctx, "驳回", "reject", number, note)


@router.on(TextMessage, Command("转派", aliases=("转交",), args="number_text"))
async def transfer(msg: TextMessage, ctx: HandlerContext, number: int | None, note: str) -> Reply:
    """`转派 #N 对象`: to a member by name, or to another building's committee."""
    try:
        _, issue = await _issue_for(ctx, "转派", number, "转派")
        _needs_note("转派", issue.number, note)
        lifecycle.check(issue, "transfer")
        target = await _transfer_to(ctx, issue, note)
    except (Refused, lifecycle.IllegalTransition) as exc:
        return TextReply(exc.reply)
    await lifecycle.apply(ctx.session, issue, "transfer", ctx.actor, ctx.now, target=target)
    return TextReply(texts.TRANSFERRED.format(number=issue.number, target=target))


async def _transfer_to(ctx: HandlerContext, issue: Issue, query: str) -> str:
    category = ctx.category_name(issue.category)
    for member in await repos.org.members(ctx.session):
        if query in (member.name, member.openid):
            issue.assignee_id = member.id
            await notify.alert(ctx.session, issue, category, [member], ctx.now, tag="转派")
            return member.name
    for building in await repos.org.buildings(ctx.session):
        if query in (building.name, building.code, *building.aliases):
            issue.building_id, issue.level = building.id, 0
            members = await lifecycle.route(ctx.session, issue, category, ctx.now)
            return f"{building.name}楼务会" if members else building.name
    raise Refused(texts.TRANSFER_UNKNOWN.format(target=query))


@router.on(TextMessage, Command("上报", aliases=("升级",), args="number"))
async def escalate(msg: TextMessage, ctx: HandlerContext, number: int | None) -> Reply:
    try:
        _, issue = await _issue_for(ctx, "上报", number, "上报")
        lifecycle.check(issue, "escalate")
    except (Refused, lifecycle.IllegalTransition) as exc:
        return TextReply(exc.reply)
    category = ctx.category_name(issue.category)
    leaders = await lifecycle.escalate(ctx.session, issue, category, ctx.actor, ctx.now, "楼务会上报")
    if not leaders:
        return TextReply(texts.ESCALATE_TOP.format(number=issue.number))
    target = "、".join(m.name for m in leaders)
    await lifecycle.apply(ctx.session, issue, "escalate", ctx.actor, ctx.now, target=target)
    return TextReply(texts.ESCALATED.format(number=issue.number, target=target))
