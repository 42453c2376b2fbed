"""/api/v1: issues (list, one, actions), rules (the active pack, try), buildings; each request acts
with the rights of its token's user (a convener's scope limits what they see and do)."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from typing import Any

from aiohttp import web
from multidict import MultiMapping

from bot import pages
from bot.admin.scope import OutOfScope, Scope, issue_in_scope, scope_of
from bot.admin.views.issues import MAX_PAGE, RULES, board_query
from bot.api.auth import PERSONAL, api_user, shown
from bot.api.openapi import document
from bot.keys import CLOCK, JOBS, SCHEDULER, SESSIONMAKER
from handlers import access, workdays
from handlers.refusals import Refusal
from handlers.shared import issue_actions, lifecycle
from nlp.explain import explain
from nlp.masking import mask_personal
from storage import repos
from storage.models import STATUSES, Issue, MediaItem
from storage.repos.board import SORTS
from storage.repos.issues import IssueRow

MAX_TEXT = 500
MAX_ID = 2**62  # the largest id every backend stores


def setup(app: web.Application) -> None:
    area = pages.area(json_errors)
    r = area.router
    r.add_get("/v1/openapi.json", openapi)
    r.add_get("/v1/issues", list_issues)
    r.add_get(r"/v1/issues/{number:\d+}", get_issue)
    r.add_post(r"/v1/issues/{number:\d+}/actions", act)
    r.add_get(r"/v1/issues/{number:\d+}/media/{id:\d+}", media)
    r.add_get("/v1/rules", rules)
    r.add_post("/v1/rules/try", try_rules)
    r.add_get("/v1/buildings", buildings)
    app.add_subapp("/api", area)


def problem(status: int, error: str) -> web.Response:
    return web.json_response({"error": error}, status=status)


@web.middleware
async def json_errors(request: web.Request, handler: Any) -> web.StreamResponse:
    """Under /api/ every error is JSON, including aiohttp's own 404 and 405."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        answer = problem(exc.status, exc.text or exc.reason)
        for header in ("Allow", "WWW-Authenticate"):  # a 405 names its methods, a 401 its scheme
            if header in exc.headers:
                answer.headers[header] = exc.headers[header]
        return answer


def checked_query(params: MultiMapping[str]) -> None:
    """The API is strict where the board is forgiving: a value it cannot use is a 400 naming it."""
    allowed = {
        "status": (*STATUSES, "open"),
        "urgent": ("1",),
        "overdue": ("1",),
        "sort": SORTS,
    }
    for key, values in allowed.items():
        if key in params and params[key] not in values:
            raise web.HTTPBadRequest(text=f"{key}: one of {', '.join(values)}")
    limits = {"building": MAX_ID, "page": MAX_PAGE, "size": 100}
    for key, top in limits.items():
        if key in params and not (params[key].isdigit() and 0 < int(params[key]) <= top):
            raise web.HTTPBadRequest(text=f"{key}: a whole number from 1 to {top}")


async def openapi(request: web.Request) -> web.Response:
    return web.json_response(document())


def _row(request: web.Request, r: IssueRow) -> dict[str, Any]:
    return {
        "number": r.number,
        "status": r.status,
        "category": r.category,
        "urgent": r.urgent,
        "overdue": r.overdue > 0,
        "building": r.building,
        "text": shown(request, r.text),
        "people": r.supporters + 1,
        "created_at": r.created_at.isoformat(),
    }


async def list_issues(request: web.Request) -> web.Response:
    user = await api_user(request)
    checked_query(request.query)
    async with request.config_dict[SESSIONMAKER]() as db:
        where = await scope_of(db, user)
        q = board_query(request.query, where.buildings)
        if not request.get(PERSONAL):
            q = dataclasses.replace(q, seen_as=mask_personal)
        page = await repos.board.board(db, q)
    items = [_row(request, r) for r in page.rows]
    return web.json_response(
        {"items": items, "total": page.total, "page": page.query.page, "pages": page.pages}
    )


async def _issue(request: web.Request, db: Any) -> tuple[Issue, Scope]:
    user = await api_user(request)
    number = int(request.match_info["number"])
    try:
        return await issue_in_scope(db, user, number)
    except (access.NoSuchIssue, OutOfScope):
        # Out of scope reads as absent (404, not the web's 403): a token does not learn which
        # numbers exist elsewhere.
        raise web.HTTPNotFound(text=f"no issue #{number}") from None


async def get_issue(request: web.Request) -> web.Response:
    async with request.config_dict[SESSIONMAKER]() as db:
        issue, _ = await _issue(request, db)
        building = await repos.org.building(db, issue.building_id) if issue.building_id else None
        events = await repos.timeline.events_of(db, issue.id)
        people = await repos.supporters.supporter_count(db, issue.id) + 1
        kept = await repos.media.of_issue(db, issue.id)
    return web.json_response(
        {
            "number": issue.number,
            "status": issue.status,
            "category": issue.category,
            "urgent": issue.urgent,
            "overdue": issue.overdue > 0,
            "building": building.name if building else None,
            "text": shown(request, issue.text),
            "people": people,
            "rating": issue.rating,
            "expected_date": _expected(issue),
            "merged_into": issue.merged_into,
            "created_at": issue.created_at.isoformat(),
            "timeline": [
                {
                    "kind": e.kind,
                    "actor": e.actor,
                    "note": shown(request, e.note),
                    "at": e.created_at.isoformat(),
                }
                for e in events
            ],
            "media": [_medium(request, issue, m) for m in kept],
        }
    )


def _medium(request: web.Request, issue: Issue, m: MediaItem) -> dict[str, Any]:
    readable = m.status == "kept" and request.get(PERSONAL)
    url = f"/api/v1/issues/{issue.number}/media/{m.id}" if readable else None
    return {"id": m.id, "kind": m.kind, "status": m.status, "url": url}


async def media(request: web.Request) -> web.Response:
    """A kept picture or voice message: personal data, so only for tokens that read it in clear."""
    async with request.config_dict[SESSIONMAKER]() as db:
        issue, _ = await _issue(request, db)
        item = await repos.media.get(db, int(request.match_info["id"]))
        if item is None or item.issue_id != issue.id:
            raise web.HTTPNotFound(text="no such picture or voice message on this issue")
        if not request.get(PERSONAL):
            raise web.HTTPForbidden(text="pictures are personal data: this token reads issues masked")
        data = await request.config_dict[JOBS].keeper.store.read(item)
    if data is None:
        raise web.HTTPNotFound(text="no longer kept (removed by the retention period)")
    return web.Response(body=data, content_type=item.content_type or "application/octet-stream")


def _expected(issue: Issue) -> str | None:
    """The date promised on acceptance (ISO), while the issue is being handled."""
    due = lifecycle.promised(issue)
    return workdays.due_date(due).isoformat() if due else None


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="expected a JSON object")
    return body


async def act(request: web.Request) -> web.Response:
    app = request.config_dict
    user = await api_user(request)
    body = await _json(request)
    action, note = body.get("action"), body.get("note", "")
    if action not in issue_actions.BY_NAME or not isinstance(note, str):
        return problem(400, f"action: one of {', '.join(issue_actions.BY_NAME)}; note: a string")
    try:
        async with app[SESSIONMAKER].begin() as db:
            issue, scope = await _issue(request, db)
            engine = await app[RULES].engine(db)
            actor = f"{user.name}（API）"
            done = await issue_actions.perform(
                db, issue, action, note.strip()[:MAX_TEXT], actor, app[CLOCK].now(), engine, scope.reaches
            )
    except Refusal as exc:
        return problem(409, exc.reply)
    if SCHEDULER in app:
        app[SCHEDULER].wake_dispatch()
    return web.json_response({"done": done, "status": issue.status})


async def rules(request: web.Request) -> web.Response:
    await api_user(request)
    async with request.config_dict[SESSIONMAKER]() as db:
        pack = (await request.config_dict[RULES].engine(db)).pack
    return web.json_response(
        {
            "name": pack.name,
            "threshold": pack.threshold,
            "urgency_words": list(pack.urgency_words),
            "categories": [
                {
                    "id": c.id,
                    "name": c.name,
                    "keywords": [{"word": k.word, "weight": k.weight} for k in c.keywords],
                    "synonyms": dict(c.synonyms),
                    "exclude": list(c.exclude),
                }
                for c in pack.categories
            ],
        }
    )


async def try_rules(request: web.Request) -> web.Response:
    await api_user(request)
    text = (await _json(request)).get("text")
    if not isinstance(text, str) or not 0 < len(text) <= MAX_TEXT:
        return problem(400, f"text: a string of 1–{MAX_TEXT} characters")
    async with request.config_dict[SESSIONMAKER]() as db:
        engine = await request.config_dict[RULES].engine(db)
    explained = await asyncio.to_thread(explain, engine.pack, text, engine)
    return web.json_response(explained.as_dict())


async def buildings(request: web.Request) -> web.Response:
    user = await api_user(request)
    async with request.config_dict[SESSIONMAKER]() as db:
        where = await scope_of(db, user)
        rows = [b for b in await repos.org.buildings(db) if where.allows(b.id)]
    return web.json_response(
        [{"code": b.code, "name": b.name, "aliases": list(b.aliases), "qr_url": b.qr_url} for b in rows]
    )
