"""The issues board and one issue's page, with the committee's actions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from multidict import MultiMapping
from sqlalchemy.ext.asyncio import AsyncSession

from bot.admin import USER, render
from bot.admin.scope import OutOfScope, Scope, issue_in_scope, scope_of
from bot.keys import CLOCK, SCHEDULER, SESSIONMAKER
from bot.rules import LiveRules
from handlers import access, complaints, texts
from handlers.refusals import Refusal
from handlers.shared import issue_actions, lifecycle
from nlp.engine import RulesEngine
from nlp.model import Guess
from nlp.pack import OTHER
from storage import repos
from storage.models import STATUSES, Issue
from storage.repos.board import SORTS, BoardQuery

RULES = web.AppKey("admin_rules", LiveRules)
ACTIONS = issue_actions.BY_NAME
MAX_PAGE = 100_000  # beyond any real board; keeps OFFSET within the database's integers


def routes(router: web.UrlDispatcher) -> None:
    router.add_get("/issues", board)
    router.add_get("/triage", triage)
    router.add_post("/issues/new", file_for)
    router.add_get(r"/issues/{number:\d+}", issue_page)
    router.add_post(r"/issues/{number:\d+}", act)


def board_query(params: MultiMapping[str], within: Any) -> BoardQuery:
    """The board's filters from a query string; anything unreadable is simply not applied."""

    def number(key: str, default: int) -> int:
        try:
            return min(max(1, int(params.get(key, default))), MAX_PAGE)
        except ValueError:
            return default

    building = params.get("building", "")
    status = params.get("status", "")
    return BoardQuery(
        status=status if status in (*STATUSES, "open") else "",
        category=params.get("category", "")[:32],
        building_id=int(building) if building.isdigit() and len(building) < 12 else None,
        urgent=params.get("urgent") == "1",
        overdue=params.get("overdue") == "1",
        text=params.get("q", "").strip()[:100],
        sort=params.get("sort", "newest") if params.get("sort") in SORTS else "newest",
        page=number("page", 1),
        size=min(number("size", 25), 100),
        within=within,
    )


async def categories(request: web.Request, db: AsyncSession) -> dict[str, str]:
    engine = await request.config_dict[RULES].engine(db)
    return {c.id: c.name for c in engine.pack.categories}


async def board(request: web.Request) -> web.Response:
    async with request.config_dict[SESSIONMAKER]() as db:
        where = await scope_of(db, request[USER])
        q = board_query(request.query, where.buildings)
        page = await repos.board.board(db, q)
        buildings = [b for b in await repos.org.buildings(db) if where.allows(b.id)]
        names = await categories(request, db)
    return await render(
        request,
        "issues.html",
        page=page,
        q=q,
        buildings=buildings,
        categories=names,
        statuses=texts.STATUS_NAMES,
        params={k: v for k, v in request.query.items() if k != "page"},
    )


@dataclass(frozen=True)
class Unplaced:
    number: int
    building: str | None
    text: str
    guesses: tuple[Guess, ...]


async def triage(request: web.Request) -> web.Response:
    """其他 waiting for a person: open issues in the user's scope with the model's two best guesses."""
    async with request.config_dict[SESSIONMAKER]() as db:
        where = await scope_of(db, request[USER])
        q = BoardQuery(status="open", category=OTHER, within=where.buildings, sort="oldest", size=100)
        page = await repos.board.board(db, q)
        engine = await request.config_dict[RULES].engine(db)
        names = await categories(request, db)
    rows = [Unplaced(r.number, r.building, r.text, _guesses(engine, r.text)) for r in page.rows]
    return await render(
        request,
        "triage.html",
        rows=rows,
        categories=names,
        done=request.query.get("done", ""),
        error=request.query.get("error", ""),
    )


def _guesses(engine: RulesEngine, text: str) -> tuple[Guess, ...]:
    if engine.model is None:
        return ()
    return tuple(g for g in engine.model.read(text).ranked if g.category != OTHER)[:2]


async def _issue(request: web.Request, db: AsyncSession) -> tuple[Issue, Scope]:
    """The issue in the path, within the user's scope: the web says why one is out of it (403)."""
    try:
        return await issue_in_scope(db, request[USER], int(request.match_info["number"]))
    except access.NoSuchIssue:
        raise web.HTTPNotFound(text="没有这个编号的反映。") from None
    except OutOfScope as exc:
        raise web.HTTPForbidden(text=f"#{exc.issue.number} 不在您负责的楼宇范围内。") from None


async def issue_page(request: web.Request) -> web.Response:
    async with request.config_dict[SESSIONMAKER]() as db:
        issue, _ = await _issue(request, db)
        building = await repos.org.building(db, issue.building_id) if issue.building_id else None
        events = await repos.timeline.events_of(db, issue.id)
        supporters = await repos.supporters.of_issue(db, issue.id)
        media = await repos.media.of_issue(db, issue.id)
        names = await categories(request, db)
    return await render(
        request,
        "issue.html",
        issue=issue,
        building=building,
        events=events,
        supporters=supporters,
        media=media,
        categories=names,
        status_names=texts.STATUS_NAMES,
        event_names=texts.EVENT_NAMES,
        allowed=_allowed(issue),
        promised=lifecycle.promised(issue),
        done=request.query.get("done", ""),
        error=request.query.get("error", ""),
    )


def _allowed(issue: Issue) -> set[str]:
    """The actions the issue's status admits (split and merge: while it is open)."""
    regroup = {"split", "merge"} if issue.status in lifecycle.OPEN else set()
    return {"recategorise", *regroup} | {
        a for a in lifecycle.ACTIONS if a in ACTIONS and issue.status in lifecycle.ACTIONS[a].allowed
    }


async def act(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    action, note = str(form.get("action", "")), str(form.get("note", "")).strip()[:500]
    if action not in ACTIONS:
        raise web.HTTPBadRequest(text=f"未知操作 {action!r}；可用：{', '.join(ACTIONS)}")
    app, user = request.config_dict, request[USER]
    actor, now = f"{user.name}（管理后台）", app[CLOCK].now()
    number = int(request.match_info["number"])
    # The triage view sends people back to it; anything else returns to the issue's page.
    back = "/admin/triage?" if form.get("back") == "triage" else f"/admin/issues/{number}?"
    try:
        async with app[SESSIONMAKER].begin() as db:
            issue, scope = await _issue(request, db)
            engine = await app[RULES].engine(db)
            done = await issue_actions.perform(db, issue, action, note, actor, now, engine, scope.reaches)
    except Refusal as exc:
        raise web.HTTPFound(back + urlencode({"error": exc.reply})) from None
    if SCHEDULER in app:  # the people on the issue hear of it now, not at the next tick
        app[SCHEDULER].wake_dispatch()
    raise web.HTTPFound(back + urlencode({"done": done}))


async def file_for(request: web.Request) -> web.StreamResponse:
    """代报 on the web: what someone told a member in person, filed in one of the user's buildings."""
    form = await request.post()
    text = str(form.get("text", "")).strip()[:500]
    app, user = request.config_dict, request[USER]
    try:
        building_id = int(str(form.get("building", "")))
    except ValueError:
        raise web.HTTPBadRequest(text="请选择楼宇。") from None
    if not text:
        raise web.HTTPFound("/admin/issues?" + urlencode({"error": "代报要写反映内容。"}))
    async with app[SESSIONMAKER].begin() as db:
        if (
            not (await scope_of(db, user)).allows(building_id)
            or await repos.org.building(db, building_id) is None
        ):
            raise web.HTTPForbidden(text="这栋楼宇不在您负责的范围内。")
        filing = complaints.Filing(
            db, await app[RULES].engine(db), f"{user.name}（管理后台）", app[CLOCK].now()
        )
        issue = await complaints.file_on_behalf(filing, building_id, text)
        number = issue.number
    if SCHEDULER in app:
        app[SCHEDULER].wake_dispatch()
    raise web.HTTPFound(f"/admin/issues/{number}?" + urlencode({"done": f"已代为登记 #{number}。"}))
