"""Following and unfollowing: a welcome that says how to bind a building; forgetting on unfollow."""

from __future__ import annotations

from handlers import texts
from handlers.context import HandlerContext
from handlers.events import Subscribe, Unsubscribe
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


@router.on(Unsubscribe)
async def goodbye(event: Unsubscribe, ctx: HandlerContext) -> Reply:
    await repos.people.forget(ctx.session, event.openid)
    return NO_REPLY
