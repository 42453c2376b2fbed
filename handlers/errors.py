"""Error handlers: log, answer politely; the intake keeps the inbound row and marks it failed."""

from __future__ import annotations

import logging

from handlers import texts
from handlers.context import HandlerContext
from handlers.events import Event
from handlers.refusals import Refusal
from handlers.replies import Reply, TextReply
from handlers.router import Router
from storage.errors import DatabaseUnavailable, is_unavailable

router = Router(name=__name__)
logger = logging.getLogger("louwu.handlers")


class HandlerFailed(Exception):
    """Carries the polite reply out of a failed handler so the intake can mark the row."""

    def __init__(self, reply: Reply, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.reply, self.cause = reply, cause


@router.error(Refusal)
async def refused(exc: BaseException, event: Event, ctx: HandlerContext) -> Reply:
    """A refusal is an answer, not a failure: the person reads why."""
    assert isinstance(exc, Refusal)
    return TextReply(exc.reply)


@router.error(Exception)
async def unexpected(exc: BaseException, event: Event, ctx: HandlerContext) -> Reply:
    if isinstance(exc, DatabaseUnavailable) or is_unavailable(exc):
        raise exc  # the intake answers 503 and WeChat retries
    logger.exception("handler failed on %s", event.kind, exc_info=exc)
    raise HandlerFailed(TextReply(texts.ERROR), exc)
