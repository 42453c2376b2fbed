"""Login and logout."""

from __future__ import annotations

from aiohttp import web

from bot.admin import SESSION, auth, render
from bot.keys import CLOCK, CONFIG, SESSIONMAKER


def routes(router: web.UrlDispatcher) -> None:
    router.add_get("/login", login_page)
    router.add_post("/login", login)
    router.add_post("/logout", logout)


def _next(request: web.Request, value: str) -> str:
    # Only back into the admin web: never an open redirect to another site.
    return value if value.startswith("/admin") and not value.startswith("//") else "/admin/issues"


async def login_page(request: web.Request) -> web.Response:
    return await render(request, "login.html", next=_next(request, request.query.get("next", "")))


async def login(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    name, password = str(form.get("name", "")).strip(), str(form.get("password", ""))
    target = _next(request, str(form.get("next", "")))
    app = request.config_dict
    refused = None
    now = app[CLOCK].now()
    async with app[SESSIONMAKER].begin() as db:  # failed attempts are counted even when refused
        try:
            user = await auth.login(db, name, password, now, app[CONFIG].admin)
            request[SESSION] = await auth.start(db, user, now)  # a fresh CSRF token too
        except auth.LoginRefused as exc:
            refused = str(exc)
    if refused:
        return await render(request, "login.html", status=401, error=refused, next=target, name=name)
    raise web.HTTPFound(target)


async def logout(request: web.Request) -> web.StreamResponse:
    """Ends the session on the server too: a copy of the cookie taken before reads nothing after."""
    async with request.config_dict[SESSIONMAKER].begin() as db:
        await auth.end(db, request[SESSION])
    request[SESSION] = auth.anonymous()
    raise web.HTTPFound("/admin/login")
