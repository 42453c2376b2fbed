"""Open311 GeoReport v2, read side: the categories as services and the issues as service requests,
so other civic tools can read louwu. Field names and formats follow the GeoReport v2 specification;
the description and the status notes are masked of personal data, and no one who raised it is named."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot import pages
from bot.admin.views.issues import RULES, categories
from bot.keys import CONFIG, JOBS, SESSIONMAKER
from handlers.texts import LOCAL_TZ
from nlp.masking import mask_personal
from storage import repos
from storage.models import OPEN_STATUSES, Issue
from storage.repos.public import PublicFilter

PREFIX = "/open311/v2"
MAX_PAGE_SIZE = 1000  # GeoReport's own cap on one answer


def setup(app: web.Application) -> None:
    area = pages.area(secure_headers=False)  # read by other programs, not shown in a browser
    area.router.add_get("/services.json", services)
    area.router.add_get("/requests.json", requests)
    area.router.add_get(r"/requests/{id:\d+}.json", one_request)
    area.router.add_get(r"/media/{id:\d+}.jpg", picture)
    app.add_subapp(PREFIX, area)


def errors(status: int, description: str) -> web.Response:
    """GeoReport's error shape: a list of {code, description}."""
    return web.json_response([{"code": status, "description": description}], status=status)


async def services(request: web.Request) -> web.Response:
    async with request.config_dict[SESSIONMAKER]() as db:
        pack = (await request.config_dict[RULES].engine(db)).pack
    return web.json_response(
        [
            {
                "service_code": c.id,
                "service_name": c.name,
                "description": f"{c.name}（受理 {c.accept_hours} 小时内，办结 {c.resolve_days} 天内）",
                "metadata": False,
                "type": "realtime",
                "keywords": ",".join(k.word for k in c.keywords[:10]),
                "group": "楼务",
            }
            for c in pack.categories
        ]
    )


async def requests(request: web.Request) -> web.Response:
    try:
        f = _filter(request.query)
    except ValueError as exc:
        return errors(400, str(exc))
    async with request.config_dict[SESSIONMAKER]() as db:
        names = await categories(request, db)
        found = await repos.public.public_page(db, f)
        base = _media_base(request)
        return web.json_response([await _as_request(db, i, b, names, base) for i, b in found])


async def one_request(request: web.Request) -> web.Response:
    number = int(request.match_info["id"])
    async with request.config_dict[SESSIONMAKER]() as db:
        issue = await repos.issues.get(db, number) if number < 2**62 else None
        if issue is None:
            return errors(404, f"no service request {number}")
        building = await repos.org.building(db, issue.building_id) if issue.building_id else None
        names = await categories(request, db)
        place = building.name if building else None
        return web.json_response([await _as_request(db, issue, place, names, _media_base(request))])


def _filter(query: Any) -> PublicFilter:
    status = query.get("status", "")
    if status not in ("", "open", "closed"):
        raise ValueError("status must be open or closed")
    codes = tuple(c for c in query.get("service_code", "").split(",") if c)
    try:
        page = int(query.get("page", "1"))
        size = int(query.get("page_size", "50"))
    except ValueError:
        raise ValueError("page and page_size must be whole numbers") from None
    if not (1 <= page <= 100_000 and 1 <= size <= MAX_PAGE_SIZE):
        raise ValueError(f"page must be 1 or more and page_size 1 to {MAX_PAGE_SIZE}")
    return PublicFilter(
        codes=codes,
        open_only=None if not status else status == "open",
        start=_when(query.get("start_date"), "start_date"),
        end=_when(query.get("end_date"), "end_date"),
        page=page,
        size=size,
    )


def _when(value: str | None, name: str) -> dt.datetime | None:
    """A W3C datetime (2026-11-02T09:00:00+08:00); without a zone, Shanghai time."""
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{name} must be a W3C datetime such as 2026-11-02T09:00:00+08:00") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=LOCAL_TZ)


async def picture(request: web.Request) -> web.Response:
    """A kept picture, only where [media] public is on (pictures may show people and numbers)."""
    if not request.config_dict[CONFIG].media.public:
        return errors(404, "pictures are not published here ([media] public = false)")
    async with request.config_dict[SESSIONMAKER]() as db:
        item = await repos.media.get(db, int(request.match_info["id"]))
        store = request.config_dict[JOBS].keeper.store
        data = await store.read(item) if item and item.kind == "image" else None
    if data is None:
        return errors(404, "no such picture")
    return web.Response(body=data, content_type="image/jpeg")


async def _as_request(
    db: AsyncSession, issue: Issue, building: str | None, names: dict[str, str], media_base: str | None
) -> dict[str, Any]:
    return {
        "service_request_id": str(issue.number),
        "status": "open" if issue.status in OPEN_STATUSES else "closed",
        "status_notes": mask_personal(await repos.timeline.last_note(db, issue.id) or "") or None,
        "service_name": names.get(issue.category, issue.category),
        "service_code": issue.category,
        "description": mask_personal(issue.text),
        "agency_responsible": f"{building}楼务会" if building else "楼务会",
        "service_notice": None,
        "requested_datetime": _w3c(issue.created_at),
        "updated_datetime": _w3c(issue.updated_at),
        "expected_datetime": _w3c(issue.resolve_due) if issue.resolve_due else None,
        "address": building,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": await _media_url(db, issue, media_base) if media_base else None,
    }


def _media_base(request: web.Request) -> str | None:
    """Where pictures are published, or None where they are not ([media] public = false)."""
    return f"{request.url.origin()}{PREFIX}/media" if request.config_dict[CONFIG].media.public else None


async def _media_url(db: AsyncSession, issue: Issue, base: str) -> str | None:
    """GeoReport has one media_url: the issue's first kept picture."""
    kept = [m for m in await repos.media.of_issue(db, issue.id) if m.kind == "image" and m.status == "kept"]
    return f"{base}/{kept[0].id}.jpg" if kept else None


def _w3c(when: dt.datetime) -> str:
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(LOCAL_TZ).isoformat(timespec="seconds")
