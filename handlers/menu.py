"""Menu CLICK events: each key does what its chat command does, so a tap and a typed word agree."""

from __future__ import annotations

from handlers import convener, reporter, texts
from handlers.context import HandlerContext
from handlers.events import MenuClick, TextMessage
from handlers.replies import Reply, TextReply
from handlers.router import Router
from storage import repos

router = Router(name=__name__)

# Menu keys as configured in the Official Account's custom menu.
HELP = "HELP"
MY_ISSUES = "MY_ISSUES"
TODO = "TODO"
BIND = "BIND"
REPORT = "REPORT"


@router.on(MenuClick)
async def click(event: MenuClick, ctx: HandlerContext) -> Reply:
    key = event.key.upper()
    if key == MY_ISSUES:
        return TextReply(await reporter.my_issues(ctx))
    if key == TODO:
        as_text = TextMessage(event.openid, event.created_at, event.msg_id, "待办")
        return await convener.todo(as_text, ctx)
    if key == BIND:
        names = "、".join(b.name for b in await repos.org.buildings(ctx.session))
        return TextReply(texts.BIND_USAGE.format(choices=names or "（暂无）"))
    if key == REPORT:
        return TextReply(texts.MENU_REPORT)
    return TextReply(texts.WELCOME)
