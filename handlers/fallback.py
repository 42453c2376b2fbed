"""Last in line: a polite hint for anything no other handler took; never an error."""

from __future__ import annotations

from handlers import texts
from handlers.context import HandlerContext
from handlers.events import Unknown
from handlers.replies import NO_REPLY, Reply, TextReply
from handlers.router import Router

router = Router(name=__name__)


@router.on(Unknown)
async def unknown(event: Unknown, ctx: HandlerContext) -> Reply:
    if event.type.startswith("event:"):
        # Events such as VIEW or TEMPLATESENDJOBFINISH need no answer.
        return NO_REPLY
    return TextReply(texts.UNSUPPORTED)
