"""Free text is a complaint: tag it, file it as an issue, and say its number and what happens next."""

from __future__ import annotations

from handlers import texts
from handlers.context import HandlerContext
from handlers.events import TextMessage
from handlers.replies import Reply, TextReply
from handlers.router import Router
from storage import repos
from storage.repos.issues import NewIssue

router = Router(name=__name__)


@router.on(TextMessage)
async def complaint(msg: TextMessage, ctx: HandlerContext) -> Reply:
    if not msg.text.strip():
        return TextReply(texts.EMPTY_TEXT)
    return await file_complaint(ctx, msg.text.strip())


async def file_complaint(ctx: HandlerContext, text: str) -> Reply:
    """Shared by text and recognised voice: file the issue and compose the passive reply."""
    tagging = ctx.rules.tag(text)
    reporter = ctx.reporter
    issue = await repos.issues.create(
        ctx.session,
        NewIssue(
            text=text,
            category=tagging.primary,
            tags=tagging.tags,
            scores=tagging.scores,
            urgent=tagging.urgent,
            building_id=reporter.building_id,
            reporter_id=reporter.id,
            inbound_id=ctx.inbound_id,
        ),
        actor=f"reporter:{reporter.id}",
        now=ctx.now,
    )
    category = ctx.rules.pack.category(tagging.primary)
    if reporter.building_id is None:
        next_step = texts.NEXT_STEP_UNBOUND
    elif tagging.primary == "other":
        next_step = texts.NEXT_STEP_OTHER
    else:
        building = await repos.org.building(ctx.session, reporter.building_id)
        name = building.name if building else ""
        next_step = texts.NEXT_STEP_BOUND.format(building=name, hours=category.accept_hours)
    template = texts.FILED_URGENT if tagging.urgent else texts.FILED
    return TextReply(template.format(number=issue.number, category=category.name, next_step=next_step))
