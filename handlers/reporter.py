"""The reporter's commands: 进度 (mine, or one issue's timeline), 附议 #N, 撤回 #N, and rating 1/2/3."""

from __future__ import annotations

from handlers import access, complaints, texts, workdays
from handlers.context import HandlerContext
from handlers.events import TextMessage
from handlers.filters import Command, Rating
from handlers.replies import Reply, TextReply
from handlers.router import Router, SkipHandler
from handlers.shared import lifecycle, merging, notify, responsibility
from nlp.masking import mask_personal
from storage import repos
from storage.models import OPEN_STATUSES, Issue

router = Router(name=__name__)

PROGRESS = Command("进度", aliases=("我的反映", "查询"), args="optional_number")


@router.on(TextMessage, PROGRESS)
async def progress(msg: TextMessage, ctx: HandlerContext, number: int | None) -> Reply:
    if number is None:
        return TextReply(await my_issues(ctx))
    issue = await access.numbered(ctx.session, "进度", number)
    personal = await responsibility.sees_personal(ctx.session, ctx.reporter.id, ctx.member, issue)
    if not personal and not await repos.supporters.is_on(ctx.session, issue, ctx.reporter.id):
        return TextReply(texts.NOT_YOURS.format(number=number))
    text = await timeline_text(ctx, issue)
    return TextReply(text if personal else mask_personal(text))


async def my_issues(ctx: HandlerContext) -> str:
    issues = await repos.issues.of_reporter(ctx.session, ctx.reporter.id, (*OPEN_STATUSES, "resolved"))
    if not issues:
        return texts.MY_ISSUES_NONE
    lines = [texts.MY_ISSUES_HEAD]
    for issue in issues[:10]:
        lines.append(
            texts.MY_ISSUES_LINE.format(
                number=issue.number,
                status=texts.STATUS_NAMES[issue.status],
                category=ctx.category_name(issue.category),
                title=notify.title(issue, masked=issue.reporter_id != ctx.reporter.id),
            )
            + _due(issue, " · ")
        )
    lines.append(texts.MY_ISSUES_TAIL)
    return "\n".join(lines)


async def timeline_text(ctx: HandlerContext, issue: Issue) -> str:
    head = texts.TIMELINE_HEAD.format(
        number=issue.number,
        category=ctx.category_name(issue.category),
        building=await notify.building_name(ctx.session, issue),
        status=texts.STATUS_NAMES[issue.status],
        count=await repos.supporters.raised_by(ctx.session, issue.id),
        text=issue.text,
    )
    lines = [head + _due(issue, "\n"), *await notify.history_lines(ctx.session, issue.id)]
    return "\n".join(lines)


def _due(issue: Issue, before: str) -> str:
    """The date promised on acceptance, while the issue is being handled."""
    due = lifecycle.promised(issue)
    return before + texts.TIMELINE_DUE.format(due=workdays.say_date(due)) if due else ""


@router.on(TextMessage, Command("附议", aliases=("支持", "+1"), args="number"))
async def support(msg: TextMessage, ctx: HandlerContext, number: int | None) -> Reply:
    issue = await access.numbered(ctx.session, "附议", number)
    if issue.reporter_id != ctx.reporter.id and not await responsibility.may_support(
        ctx.session, ctx.reporter.building_id, issue
    ):
        # Refused as if absent: a number does not tell a stranger that it exists, nor where.
        raise access.NoSuchIssue(issue.number)
    if issue.status not in OPEN_STATUSES:
        status = texts.STATUS_NAMES[issue.status]
        return TextReply(texts.SUPPORT_CLOSED.format(number=issue.number, status=status))
    added = await lifecycle.support(ctx.session, issue, ctx.reporter.id, ctx.actor, "", ctx.now)
    count = await repos.supporters.raised_by(ctx.session, issue.id)
    reply = texts.SUPPORT_ADDED if added else texts.SUPPORT_ALREADY
    return TextReply(reply.format(number=issue.number, count=count))


@router.on(TextMessage, Command("撤回", aliases=("撤销",), args="number"))
async def withdraw(msg: TextMessage, ctx: HandlerContext, number: int | None) -> Reply:
    issue = await access.numbered(ctx.session, "撤回", number)
    number = issue.number
    if issue.reporter_id != ctx.reporter.id:
        return TextReply(texts.NOT_REPORTER.format(number=number))
    await lifecycle.apply(ctx.session, issue, "withdraw", ctx.actor, ctx.now, skip=(ctx.reporter.openid,))
    await notify_holder(ctx, issue, texts.WITHDRAWN.format(number=number))
    return TextReply(texts.WITHDRAWN.format(number=number))


@router.on(TextMessage, Command("另报", aliases=("0",), args="text"))
async def undo_join(msg: TextMessage, ctx: HandlerContext, arg: str) -> Reply:
    """`0 另报`: the complaint louwu joined to an open issue is filed on its own instead."""
    if arg not in ("", "另报"):
        raise SkipHandler  # "另报 …" with words of its own is a new complaint
    old, new = await merging.undo_join(complaints.filing(ctx), ctx.reporter.id, ctx.topics.undo_window)
    category = ctx.category(new.category)
    then = await complaints.next_step(ctx.session, new, category)
    return TextReply(
        texts.UNDO_DONE.format(number=old.number, new=new.number, category=category.name, next_step=then)
    )


@router.on(TextMessage, Rating())
async def rate(msg: TextMessage, ctx: HandlerContext, rating: int) -> Reply:
    """1 满意 / 2 基本满意 / 3 不满意, for the sender's latest resolved issue; else not a rating."""
    resolved = await repos.issues.of_reporter(ctx.session, ctx.reporter.id, ("resolved",))
    if not resolved:
        raise SkipHandler
    issue = resolved[0]
    word = texts.RATINGS[rating]
    if issue.reporter_id is not None and issue.reporter_id != ctx.reporter.id:
        await repos.timeline.add_event(ctx.session, issue.id, "rated", ctx.actor, word, ctx.now)
        return TextReply(texts.RATED_SUPPORTER.format(number=issue.number, rating=word))
    issue.rating = rating
    me = (ctx.reporter.openid,)
    if rating < 3:
        await lifecycle.apply(ctx.session, issue, "rate", ctx.actor, ctx.now, note=word, skip=me)
        return TextReply(texts.RATED.format(number=issue.number, rating=word))
    await repos.timeline.add_event(ctx.session, issue.id, "rated", ctx.actor, word, ctx.now)
    category = ctx.category(issue.category)
    due = await lifecycle.promise(ctx.session, issue, category, ctx.now)
    leaders = await lifecycle.raise_level(ctx.session, issue, category.name, ctx.actor, ctx.now, "评价不满意")
    target = "、".join(m.name for m in leaders) or "楼务会"
    also = texts.DUE_NEW.format(due=due)
    await lifecycle.apply(ctx.session, issue, "reopen", ctx.actor, ctx.now, target=target, skip=me, also=also)
    return TextReply(texts.RATED_REOPEN.format(number=issue.number))


async def notify_holder(ctx: HandlerContext, issue: Issue, text: str) -> None:
    """Tell the member holding an issue about a change they did not make."""
    if issue.assignee_id is None:
        return
    holder = await repos.org.member(ctx.session, issue.assignee_id)
    if holder is not None and holder.openid != ctx.reporter.openid:
        await repos.outbox.enqueue(
            ctx.session, [repos.outbox.NewMessage(holder.openid, "alert", text, issue_id=issue.id)], ctx.now
        )
