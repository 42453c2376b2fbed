"""Following and unfollowing: a welcome that says how to bind a building; forgetting on unfollow."""

from __future__ import annotations

from handlers import texts
from handlers.context import HandlerContext
from handlers.events import Subscribe, TextMessage, Unsubscribe
from handlers.filters import Command
from handlers.replies import NO_REPLY, Reply, TextReply
from handlers.router import Router
from storage import repos

router = Router(name=__name__)


@router.on(Subscribe)
async def welcome(event: Subscribe, ctx: HandlerContext) -> Reply:
    if event.scene:
        building = await repos.org.building_by_code(ctx.session, event.scene)
        if building is not None:
            await repos.people.bind(ctx.session, ctx.reporter.id, building.id)
            return TextReply(texts.WELCOME_BOUND.format(building=building.name))
    return TextReply(texts.WELCOME)


@router.on(TextMessage, Command("绑定", aliases=("綁定",), args="text"))
async def bind(msg: TextMessage, ctx: HandlerContext, arg: str) -> Reply:
    """`绑定 <楼宇名>`: exact name, code or alias first, then any building whose name holds the query."""
    buildings = await repos.org.buildings(ctx.session)
    choices = "、".join(b.name for b in buildings) or "（暂无）"
    query = arg.strip()
    if not query:
        return TextReply(texts.BIND_USAGE.format(choices=choices))
    folded = query.casefold()
    exact = [
        b
        for b in buildings
        if folded in {b.name.casefold(), b.code.casefold(), *(a.casefold() for a in b.aliases)}
    ]
    found = exact or [
        b for b in buildings if folded in b.name.casefold() or any(folded in a.casefold() for a in b.aliases)
    ]
    if not found:
        return TextReply(texts.BIND_NOT_FOUND.format(query=query, choices=choices))
    if len(found) > 1:
        names = "、".join(b.name for b in found)
        return TextReply(texts.BIND_AMBIGUOUS.format(query=query, choices=names, example=found[0].name))
    await repos.people.bind(ctx.session, ctx.reporter.id, found[0].id)
    return TextReply(texts.BOUND.format(building=found[0].name))


@router.on(Unsubscribe)
async def goodbye(event: Unsubscribe, ctx: HandlerContext) -> Reply:
    await repos.people.forget(ctx.session, event.openid)
    return NO_REPLY
