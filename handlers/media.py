"""Voice, images and locations: recognised speech is a complaint; pictures and places join one.
Pictures, and voice WeChat could not turn into words, are queued to be kept as evidence."""

from __future__ import annotations

from handlers import texts
from handlers.complaints import file_complaint
from handlers.context import HandlerContext
from handlers.events import ImageMessage, LocationMessage, VoiceMessage
from handlers.replies import Reply, TextReply
from handlers.router import Router
from storage import repos

router = Router(name=__name__)


@router.on(VoiceMessage)
async def voice(msg: VoiceMessage, ctx: HandlerContext) -> Reply:
    if not msg.recognition.strip():
        issue = await repos.issues.latest_open_of(ctx.session, ctx.reporter.id)
        await _keep(ctx, issue.id if issue else None, "voice", msg.media_id)
        return TextReply(texts.VOICE_UNRECOGNISED)
    return await file_complaint(ctx, msg.recognition.strip())


@router.on(ImageMessage)
async def image(msg: ImageMessage, ctx: HandlerContext) -> Reply:
    reply, issue_id = await _attach(ctx, "图片", f"[图片] {msg.url}")
    await _keep(ctx, issue_id, "image", msg.media_id)
    return reply


@router.on(LocationMessage)
async def location(msg: LocationMessage, ctx: HandlerContext) -> Reply:
    place = msg.label or f"{msg.latitude:.5f},{msg.longitude:.5f}"
    return (await _attach(ctx, "位置", f"[位置] {place}"))[0]


async def _attach(ctx: HandlerContext, what: str, note: str) -> tuple[Reply, int | None]:
    """On the reporter's latest open issue: the reply, and the issue's id (None: no issue yet)."""
    issue = await repos.issues.latest_open_of(ctx.session, ctx.reporter.id)
    if issue is None:
        return TextReply(texts.MEDIA_NO_ISSUE.format(what=what)), None
    await repos.timeline.add_event(ctx.session, issue.id, "attachment", ctx.actor, note, ctx.now)
    return TextReply(texts.MEDIA_ATTACHED.format(what=what, number=issue.number)), issue.id


async def _keep(ctx: HandlerContext, issue_id: int | None, kind: str, media_id: str) -> None:
    if media_id:  # fetched by the media keeper, off the path that answers WeChat
        await repos.media.queue(ctx.session, issue_id, ctx.reporter.id, kind, media_id, ctx.now)
