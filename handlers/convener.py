"""The committee's commands: 待办, 受理, 进展, 办结, 转派, 上报, 驳回, 拆分, 合并, 改类 — only on issues
they answer for — and 代报, filing what someone told a member in person."""

from __future__ import annotations

from handlers import access, complaints, texts
from handlers.context import HandlerContext
from handlers.events import TextMessage
from handlers.filters import Command, Member, number_in
from handlers.onboarding import match_buildings
from handlers.replies import Reply, TextReply
from handlers.router import Router
from handlers.shared import issue_actions, lifecycle, merging, notify, responsibility
from handlers.shared.lifecycle import Refused
from storage import repos
from storage.models import Issue, Supporter
from storage.models import Member as MemberRow

router = Router(name=__name__)


async def _issue_for(
    ctx: HandlerContext, member: MemberRow, word: str, number: int | None, verb: str
) -> Issue:
    """The issue the member may act on, or Refused with the reason."""
    issue = await access.numbered(ctx.session, word, number)
    if not await responsibility.may_act(ctx.session, member, issue):
        building = await notify.building_name(ctx.session, issue)
        raise Refused(texts.NOT_RESPONSIBLE.format(number=issue.number, building=building, verb=verb))
    return issue


@router.on(TextMessage, Command("待办", aliases=("我的待办",)), Member())
async def todo(msg: TextMessage, ctx: HandlerContext, member: MemberRow) -> Reply:
    mine = await responsibility.answerable(ctx.session, member, await repos.issues.open_issues(ctx.session))
    if not mine:
        return TextReply(texts.TODO_NONE)
    head = texts.TODO_HEAD.format(count=len(mine))
    lines = await notify.todo_lines(ctx.session, mine, ctx.category_name, limit=15)
    return TextReply("\n".join([head, *lines]))


# `受理 #N [一句话]` and its like: without the sentence, the reply template says the rest.
TRANSITIONS = (
    Command("受理", args="number_text"),
    Command("进展", aliases=("进度更新",), args="number_text"),
    Command("办结", aliases=("完成", "已办结"), args="number_text"),
    Command("驳回", aliases=("不予受理",), args="number_text"),
)
ACTION_OF = {"受理": "accept", "进展": "progress", "办结": "resolve", "驳回": "reject"}


async def transition(
    msg: TextMessage, ctx: HandlerContext, member: MemberRow, number: int | None, note: str
) -> Reply:
    word = next(c.word for c in TRANSITIONS if msg.command_text.startswith(c.words))
    name = ACTION_OF[word]
    issue = await _issue_for(ctx, member, word, number, lifecycle.ACTIONS[name].verb)
    category = ctx.category(issue.category)
    return TextReply(
        await issue_actions.transition(ctx.session, issue, name, ctx.actor, ctx.now, category, note, member)
    )


for _command in TRANSITIONS:
    router.on(TextMessage, _command, Member())(transition)


@router.on(TextMessage, Command("转派", aliases=("转交",), args="number_text"), Member())
async def transfer(
    msg: TextMessage, ctx: HandlerContext, member: MemberRow, number: int | None, note: str
) -> Reply:
    """`转派 #N 对象`: to a member by name, or to another building's committee."""
    issue = await _issue_for(ctx, member, "转派", number, "转派")
    category = ctx.category(issue.category)
    return TextReply(await issue_actions.transfer(ctx.session, issue, note, ctx.actor, ctx.now, category))


@router.on(TextMessage, Command("上报", aliases=("升级",), args="number"), Member())
async def escalate_cmd(msg: TextMessage, ctx: HandlerContext, member: MemberRow, number: int | None) -> Reply:
    issue = await _issue_for(ctx, member, "上报", number, "上报")
    category = ctx.category(issue.category)
    return TextReply(await issue_actions.escalate_by_member(ctx.session, issue, ctx.actor, ctx.now, category))


@router.on(TextMessage, Command("拆分", args="number_text"), Member())
async def split(
    msg: TextMessage, ctx: HandlerContext, member: MemberRow, number: int | None, note: str
) -> Reply:
    """`拆分 #N`: the supporters' complaints, numbered; `拆分 #N K`: the K-th becomes its own issue."""
    issue = await _issue_for(ctx, member, "拆分", number, "拆分")
    found = merging.splittable(await repos.supporters.of_issue(ctx.session, issue.id))
    k = number_in(note)
    if k is None:
        return TextReply(_split_list(issue, found))
    if not 0 < k <= len(found):
        raise Refused(texts.SPLIT_UNKNOWN.format(number=issue.number))
    new = await merging.split(complaints.filing(ctx), issue, found[k - 1].id)
    name = ctx.category_name(new.category)
    return TextReply(texts.SPLIT_DONE.format(number=issue.number, new=new.number, category=name))


def _split_list(issue: Issue, found: list[Supporter]) -> str:
    if not found:
        return texts.SPLIT_NONE.format(number=issue.number)
    lines = [texts.SPLIT_LIST_HEAD.format(number=issue.number)]
    for i, s in enumerate(found[:20], 1):
        lines.append(texts.SPLIT_LIST_LINE.format(index=i, time=notify.local_time(s.created_at), text=s.text))
    return "\n".join(lines)


@router.on(TextMessage, Command("合并", args="number_text"), Member())
async def merge(
    msg: TextMessage, ctx: HandlerContext, member: MemberRow, number: int | None, note: str
) -> Reply:
    """`合并 #N #M`: #M's people become supporters of #N, and #M closes pointing at #N."""
    other = number_in(note)
    if number is None or other is None:
        return TextReply(texts.MERGE_USAGE)
    into = await _issue_for(ctx, member, "合并", number, "合并")
    merged = await _issue_for(ctx, member, "合并", other, "合并")
    moved = await merging.merge(ctx.session, into, merged, ctx.actor, ctx.now)
    return TextReply(texts.MERGE_DONE.format(number=into.number, other=merged.number, moved=moved))


@router.on(TextMessage, Command("改类", aliases=("改分类", "重新分类"), args="number_text"), Member())
async def recategorise(
    msg: TextMessage, ctx: HandlerContext, member: MemberRow, number: int | None, note: str
) -> Reply:
    """`改类 #N 类别` (a name, part of one, or an id): a convener corrects the tag."""
    issue = await _issue_for(ctx, member, "改类", number, "改类")
    category = issue_actions.chosen_category(ctx.rules, note)
    was = ctx.category_name(issue.category)
    return TextReply(await issue_actions.recategorise(ctx.session, issue, category, ctx.actor, ctx.now, was))


@router.on(TextMessage, Command("代报", aliases=("代为反映",), args="text"), Member())
async def file_for(msg: TextMessage, ctx: HandlerContext, member: MemberRow, arg: str) -> Reply:
    """`代报 <楼宇> <内容>`: a member files what someone told them in person."""
    query, _, text = arg.strip().partition(" ")
    if not text.strip():
        return TextReply(texts.PROXY_USAGE)
    buildings = await repos.org.buildings(ctx.session)
    found = match_buildings(buildings, query)
    if len(found) != 1:
        choices = "、".join(b.name for b in buildings)
        return TextReply(texts.PROXY_BUILDING.format(query=query, choices=choices))
    issue = await complaints.file_on_behalf(complaints.filing(ctx), found[0].id, text.strip())
    return TextReply(
        texts.PROXY_FILED.format(
            number=issue.number, category=ctx.category_name(issue.category), building=found[0].name
        )
    )
