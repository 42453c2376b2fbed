"""The Official Account (admins): the same checks as `louwu doctor`, the menu file beside the menu the
account has, and one button that pushes the file's menu."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from aiohttp import web

from bot import doctor
from bot import menu as menus
from bot.admin import admin_only, render
from bot.keys import API, CLOCK, CONFIG, ENGINE
from bot.wechat.errors import WeChatAPIError
from handlers.texts import LOCAL_TZ

MARKS = {"ok": "通过", "warn": "注意", "fail": "未通过", "skip": "未检查"}


def routes(router: web.UrlDispatcher) -> None:
    router.add_get("/account", page)
    router.add_post("/account/menu", push_menu)


async def page(request: web.Request) -> web.Response:
    admin_only(request, "公众号设置")
    app = request.config_dict
    today = app[CLOCK].now().astimezone(LOCAL_TZ).date()
    checks = await doctor.run(app[CONFIG], app[ENGINE], app[API], today)
    wanted, problem = _menu_file(request)
    return await render(
        request,
        "account.html",
        checks=checks,
        marks=MARKS,
        wanted=wanted,
        problem=problem,
        there=await _menu_there(request) if app[CONFIG].wechat.app_secret else None,
        done=request.query.get("done", ""),
        error=request.query.get("error", ""),
    )


async def push_menu(request: web.Request) -> web.StreamResponse:
    admin_only(request, "公众号菜单")
    wanted, problem = _menu_file(request)
    if wanted is None:
        raise _back(error=f"菜单文件有错，没有推送：{problem}")
    try:
        await request.config_dict[API].create_menu(wanted.as_wechat())
    except WeChatAPIError as exc:
        raise _back(error=f"微信没有接受菜单：{exc}") from None
    raise _back(done="菜单已推送，关注者几分钟内就能看到。")


async def _menu_there(request: web.Request) -> menus.Menu | None:
    """What the account shows now (no buttons: none), or None when it cannot be read."""
    try:
        body = await request.config_dict[API].get_menu()
    except WeChatAPIError:
        return None
    return menus.from_wechat(body) if body else menus.Menu(())


def _menu_file(request: web.Request) -> tuple[menus.Menu | None, str]:
    path = request.config_dict[CONFIG].wechat.menu
    try:
        return menus.load(Path(path) if path else None), ""
    except menus.MenuError as exc:
        return None, str(exc)


def _back(**params: str) -> web.HTTPFound:
    return web.HTTPFound("/admin/account?" + urlencode(params))
