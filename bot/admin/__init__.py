"""The admin web (/admin): server-rendered Chinese pages for conveners and admins."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from bot import pages
from bot.admin import auth
from bot.config import model_settings
from bot.keys import CONFIG, SESSIONMAKER
from bot.rules import LiveRules
from handlers.texts import LOCAL_TZ
from handlers.workdays import say_date
from nlp.masking import mask_personal
from storage.errors import is_unavailable
from storage.models import User

HERE = Path(__file__).parent
COOKIES = web.AppKey("admin_cookies", auth.CookieKey)
PAGES = web.AppKey("admin_pages", jinja2.Environment)
USER = web.RequestKey("admin_user", User)
SESSION = web.RequestKey("admin_session", auth.Session)
PUBLIC = ("/admin/login", "/admin/static/")
DB_DOWN = "数据库暂时连不上，请稍后刷新；微信消息照常收存。(database unavailable: check [database] url)"


def setup(app: web.Application) -> None:
    from bot.admin.views import account, dashboard, issues, media, org, replies, rules, users

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True, enable_async=True
    )
    env.filters["local"] = _local
    env.filters["due"] = say_date
    env.filters["masked"] = mask_personal  # where people beyond those responsible look
    app[PAGES] = env
    app[issues.RULES] = LiveRules(model_settings(app[CONFIG]))
    app[COOKIES] = auth.CookieKey()
    area = pages.area(guard)
    area.router.add_get("", home)
    area.router.add_static("/static", HERE / "static")
    for module in (users, issues, rules, org, dashboard, replies, account, media):
        module.routes(area.router)
    app.add_subapp("/admin", area)


async def home(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/admin/issues")


def _local(when: Any) -> str:
    return when.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M") if when else ""


@web.middleware
async def guard(request: web.Request, handler: Any) -> web.StreamResponse:
    """Every /admin page needs a signed-in user; every form needs its CSRF token."""
    if request.path.startswith("/admin/static/"):
        return await handler(request)
    try:
        cookies = await request.config_dict[COOKIES].cookies(request.config_dict)
        session = cookies.read(request)
        user = await _user(request, session)
    except Exception as exc:
        if not is_unavailable(exc):
            raise
        return web.Response(status=503, text=DB_DOWN, content_type="text/plain")
    if request.method not in ("GET", "HEAD"):
        is_form = request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data")
        form = await request.post() if is_form else {}
        given = request.headers.get(auth.CSRF_HEADER) or str(form.get(auth.CSRF_FIELD, ""))
        if not auth.csrf_ok(session, given):
            return web.Response(status=403, text=auth.CSRF_REFUSED, content_type="text/plain")
    request[SESSION] = session if session and (user or session.key is None) else auth.anonymous()
    if user is not None:
        request[USER] = user
    elif not request.path.startswith(PUBLIC):
        raise web.HTTPFound(f"/admin/login?next={request.path_qs}")
    try:
        response = await handler(request)
    except web.HTTPException as exc:  # redirects after a form are raised; they carry the cookie too
        cookies.write(exc, request[SESSION])
        raise
    cookies.write(response, request[SESSION])
    return response


async def _user(request: web.Request, session: auth.Session | None) -> User | None:
    if session is None or session.key is None:
        return None
    async with request.config_dict[SESSIONMAKER]() as db:
        return await auth.user_of(db, session)


def admin_only(request: web.Request, what: str) -> None:
    if request[USER].role != "admin":
        raise web.HTTPForbidden(text=f"{what}只有管理员可以修改。")


async def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    html = (
        await request.config_dict[PAGES]
        .get_template(template)
        .render_async(user=request.get(USER), csrf=request[SESSION].csrf, path=request.path, **context)
    )
    return web.Response(text=html, status=status, content_type="text/html")
