"""Following, binding a building and unfollowing.

A building's QR code binds at once (subscribe `qrscene_<code>`, or SCAN `<code>` by a follower);
otherwise `绑定 <楼宇名>` matches names, codes and aliases, with a numbered choice when several fit.
Binding hands the reporter's unbound complaints to that building's committee.
"""

from __future__ import annotations

from handlers import texts
from handlers.context import HandlerContext
from handlers.events import Scan, Subscribe, TextMessage, Unsubscribe
from handlers.filters import Command, InStep
from handlers.replies import NO_REPLY, Reply, TextReply
from handlers.router import Router, SkipHandler
from handlers.shared import lifecycle
from storage import repos
from storage.models import Building

router = Router(name=__name__)

CHOOSE = "choose_building"


@router.on(Subscribe)
async def welcome(event: Subscribe, ctx: HandlerContext) -> Reply:
    building = await repos.org.building_by_code(ctx.session, event.scene) if event.scene else None
    if building is None:
        return TextReply(texts.WELCOME)
    await _bind(ctx, building)
    return TextReply(texts.WELCOME_BOUND.format(building=building.name))


@router.on(Scan)
async def scanned(event: Scan, ctx: HandlerContext) -> Reply:
    building = await repos.org.building_by_code(ctx.session, event.scene) if event.scene else None
    if building is None:
        return TextReply(texts.WELCOME)
    return TextReply(await _bind(ctx, building))


@router.on(TextMessage, Command("绑定", aliases=("綁定", "切换楼宇"), args="text"))
async def bind(msg: TextMessage, ctx: HandlerContext, arg: str) -> Reply:
    """`绑定 <楼宇名>`: exact name, code or alias first, then any building whose name holds the query."""
    buildings = await repos.org.buildings(ctx.session)
    choices = "、".join(b.name for b in buildings) or "（暂无）"
    query = arg.strip()
    if not query:
        return TextReply(texts.BIND_USAGE.format(choices=choices))
    found = match_buildings(buildings, query)
    if not found:
        return TextReply(texts.BIND_NOT_FOUND.format(query=query, choices=choices))
    if len(found) > 1:
        await repos.people.set_step(ctx.session, ctx.reporter, CHOOSE, {"ids": [b.id for b in found]})
        listing = "\n".join(f"{i}. {b.name}" for i, b in enumerate(found, 1))
        return TextReply(texts.CHOOSE_BUILDING.format(query=query, choices=listing))
    return TextReply(await _bind(ctx, found[0]))


def match_buildings(buildings: list[Building], query: str) -> list[Building]:
    folded = query.casefold()

    def names(b: Building) -> list[str]:
        return [b.name.casefold(), b.code.casefold(), *(a.casefold() for a in b.aliases)]

    exact = [b for b in buildings if folded in names(b)]
    return exact or [b for b in buildings if any(folded in n or n in folded for n in names(b))]


@router.on(TextMessage, InStep(CHOOSE))
async def choose(msg: TextMessage, ctx: HandlerContext) -> Reply:
    """The answer to a numbered choice of buildings; anything else ends the choice."""
    ids: list[int] = (ctx.reporter.step_data or {}).get("ids", [])
    await repos.people.set_step(ctx.session, ctx.reporter, None, None)
    answer = msg.command_text
    if not answer.isdigit() or not 1 <= int(answer) <= len(ids):
        raise SkipHandler  # not an answer: handle it as whatever else it is
    building = await repos.org.building(ctx.session, ids[int(answer) - 1])
    if building is None:
        raise SkipHandler
    return TextReply(await _bind(ctx, building))


async def _bind(ctx: HandlerContext, building: Building) -> str:
    """Bind the sender and route the complaints they sent before naming a building."""
    await repos.people.bind(ctx.session, ctx.reporter, building.id)
    waiting = await repos.issues.unbound_open(ctx.session, ctx.reporter.id)
    for issue in waiting:
        issue.building_id = building.id
        await repos.timeline.add_event(ctx.session, issue.id, "building", ctx.actor, building.name, ctx.now)
        await lifecycle.route(ctx.session, issue, ctx.category_name(issue.category), ctx.now)
    if waiting:
        numbers = "、".join(f"#{i.number}" for i in waiting)
        return texts.BOUND_ROUTED.format(building=building.name, numbers=numbers)
    return texts.BOUND.format(building=building.name)


@router.on(Unsubscribe)
async def goodbye(event: Unsubscribe, ctx: HandlerContext) -> Reply:
    await repos.people.forget(ctx.session, event.openid)
    await repos.outbox.drop_for(ctx.session, event.openid, "recipient unsubscribed")
    return NO_REPLY
