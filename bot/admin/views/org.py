"""Grids, buildings (with their QR codes) and members: list, add, edit, disable (admins)."""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode

from aiohttp import web
from multidict import MultiMapping

from bot.admin import admin_only, render
from bot.keys import SESSIONMAKER
from bot.qrcodes import png
from handlers.texts import ROLE_NAMES
from storage import repos
from storage.models import GRID_LEVELS, MEMBER_ROLES, Grid, InvalidCode


def routes(router: web.UrlDispatcher) -> None:
    router.add_get("/org", page)
    router.add_post("/org/grids", save_grid)
    router.add_post(r"/org/grids/{id:\d+}/remove", remove_grid)
    router.add_post("/org/buildings", save_building)
    router.add_post("/org/members", save_member)
    router.add_post(r"/org/members/{id:\d+}/disable", disable_member)
    router.add_post("/org/buildings/{code}/disable", disable_building)
    router.add_get("/org/qr/{code}.png", qr_image)


CODE_REFUSED = (
    "代码「{code}」不可用：只能用字母、数字、_ 和 -，以字母或数字开头，最多 64 个字符（例如 kdk）。"
)


def _admin_only(request: web.Request) -> None:
    admin_only(request, "楼宇和成员")


def _back(**params: str) -> web.HTTPFound:
    return web.HTTPFound("/admin/org?" + urlencode(params))


def _words(form: MultiMapping[str | object], key: str) -> list[str]:
    raw = str(form.get(key, "")).replace("，", ",").replace("、", ",")
    return [w.strip() for w in raw.split(",") if w.strip()]


async def page(request: web.Request) -> web.Response:
    _admin_only(request)
    async with request.config_dict[SESSIONMAKER]() as db:
        grids = await repos.org.grids(db)
        buildings = await repos.org.all_buildings(db)
        members = await repos.org.all_members(db)
    return await render(
        request,
        "org.html",
        grids=grids,
        grid_names={g.id: g.name for g in grids},
        buildings=buildings,
        building_names={b.id: b.name for b in buildings},
        members=members,
        roles={r: ROLE_NAMES.get(r, r) for r in MEMBER_ROLES},
        done=request.query.get("done", ""),
        error=request.query.get("error", ""),
    )


async def save_grid(request: web.Request) -> web.StreamResponse:
    _admin_only(request)
    form = await request.post()
    code, name, level = (str(form.get(k, "")).strip() for k in ("code", "name", "level"))
    parent = str(form.get("parent", ""))
    if not code or not name or level not in GRID_LEVELS:
        raise _back(error="网格要有代码、名称和层级。")
    try:
        async with request.config_dict[SESSIONMAKER].begin() as db:
            await repos.org.upsert_grid(db, code, name, level, int(parent) if parent.isdigit() else None)
    except InvalidCode:
        raise _back(error=CODE_REFUSED.format(code=code)) from None
    raise _back(done=f"已保存网格「{name}」。")


async def remove_grid(request: web.Request) -> web.StreamResponse:
    """A grid has no state of its own: once nothing hangs under it, disabling it removes it."""
    _admin_only(request)
    async with request.config_dict[SESSIONMAKER].begin() as db:
        grid = await db.get(Grid, int(request.match_info["id"]))
        if grid is None:
            raise web.HTTPNotFound(text="没有这个网格。")
        if await repos.org.grid_in_use(db, grid.id):
            raise _back(error=f"网格「{grid.name}」下还有网格、楼宇、成员或账号：先把它们移到别处。")
        await repos.org.remove_grid(db, grid)
    raise _back(done=f"已删除网格「{grid.name}」。")


async def save_building(request: web.Request) -> web.StreamResponse:
    _admin_only(request)
    form = await request.post()
    code, name = str(form.get("code", "")).strip(), str(form.get("name", "")).strip()
    grid = str(form.get("grid", ""))
    if not code or not name:
        raise _back(error="楼宇要有代码和名称。")
    try:
        async with request.config_dict[SESSIONMAKER].begin() as db:
            b, _ = await repos.org.upsert_building(
                db, code, name, _words(form, "aliases"), int(grid) if grid.isdigit() else None,
                str(form.get("duty_phone", "")).strip() or None,
            )  # fmt: skip
            b.active = True
    except InvalidCode:
        raise _back(error=CODE_REFUSED.format(code=code)) from None
    raise _back(done=f"已保存楼宇「{name}」。")


async def save_member(request: web.Request) -> web.StreamResponse:
    _admin_only(request)
    form = await request.post()
    openid, name, role = (str(form.get(k, "")).strip() for k in ("openid", "name", "role"))
    if not openid or not name or role not in MEMBER_ROLES:
        raise _back(error="成员要有 openid、姓名和角色。")
    where = str(form.get("where", ""))  # "b:ID" or "g:ID"
    kind, _, ident = where.partition(":")
    building_id = int(ident) if kind == "b" and ident.isdigit() else None
    grid_id = int(ident) if kind == "g" and ident.isdigit() else None
    if building_id is None and grid_id is None:
        raise _back(error="请选择成员所属的楼宇或网格。")
    async with request.config_dict[SESSIONMAKER].begin() as db:
        m, _ = await repos.org.upsert_member(
            db, openid, name, role, building_id, grid_id, _words(form, "categories")
        )
        m.active = True
    raise _back(done=f"已保存成员「{name}」。")


async def disable_member(request: web.Request) -> web.StreamResponse:
    _admin_only(request)
    async with request.config_dict[SESSIONMAKER].begin() as db:
        m = await repos.org.member(db, int(request.match_info["id"]))
        if m is None:
            raise web.HTTPNotFound(text="没有这个成员。")
        m.active = False
    raise _back(done=f"已停用成员「{m.name}」：不再收到提醒，也不能办理。")


async def disable_building(request: web.Request) -> web.StreamResponse:
    _admin_only(request)
    async with request.config_dict[SESSIONMAKER].begin() as db:
        b = await repos.org.building_by_code(db, request.match_info["code"])
        if b is None:
            raise web.HTTPNotFound(text="没有这栋楼宇。")
        b.active = False
    raise _back(done=f"已停用楼宇「{b.name}」：已有的反映保留。")


async def qr_image(request: web.Request) -> web.Response:
    async with request.config_dict[SESSIONMAKER]() as db:
        b = await repos.org.building_by_code(db, request.match_info["code"])
    if b is None or not b.qr_url:
        raise web.HTTPNotFound(text=f"还没有二维码：运行 louwu buildings qrcode {request.match_info['code']}")
    return web.Response(body=await asyncio.to_thread(png, b.qr_url, 5), content_type="image/png")
