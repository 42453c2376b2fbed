"""Voice, images and locations: recognised speech is a complaint; pictures and places join one."""

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
        return TextReply(texts.VOICE_UNRECOGNISED)
    return await file_complaint(ctx, msg.recognition.strip())


@router.on(ImageMessage)
async def image(msg: ImageMessage, ctx: HandlerContext) -> Reply:
    return await _attach(ctx, "图片", f"[图片] {msg.url}")


@router.on(LocationMessage)
async def location(msg: LocationMessage, ctx: HandlerContext) -> Reply:
    place = msg.label or f"{msg.latitude:.5f},{msg.longitude:.5f}"
    return await _attach(ctx, "位置", f"[位置] {place}")


async def _attach(ctx: HandlerContext, what: str, note: str) -> Reply:
    issue = await repos.issues.latest_open_of(ctx.session, ctx.reporter.id)
    if issue is None:
        return TextReply(texts.MEDIA_NO_ISSUE.format(what=what))
    actor = f"reporter:{ctx.reporter.id}"
    await repos.issues.add_event(ctx.session, issue.id, "attachment", actor, note, ctx.now)
    return TextReply(texts.MEDIA_ATTACHED.format(what=what, number=issue.number))
