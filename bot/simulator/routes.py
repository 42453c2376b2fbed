"""The simulator's routes and wiring: the page, the actions a person takes, the live stream of what
reaches every phone, the clock button, and the fake of WeChat's API in place of the real one."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, get_args

import aiohttp
import jinja2
from aiohttp import web

from bot import menu, pages
from bot.clock import Clock
from bot.keys import API, CLOCK, CONFIG, SCHEDULER, SESSIONMAKER
from bot.qrcodes import UnknownBuilding, building_qr_url, png
from bot.simulator.chat import Bubble, ChatLog
from bot.simulator.fake_wechat import Delivered, FakeWeChatAPI
from bot.simulator.people import people
from bot.simulator.phone import Action, ActionKind, CallbackFailed, Phone
from storage import repos

logger = logging.getLogger("louwu.simulator")
HERE = Path(__file__).parent
DEMO_SECRET = "louwu-simulator-secret"  # noqa: S105 - the in-process fake's secret, nothing real
OPENID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_TEXT = 600
MAX_HOURS = 24 * 14
KEEPALIVE = 15.0
FIELD_NAMES = {"number": "编号", "title": "事项", "status": "状态", "time": "时间"}

LOG = web.AppKey("sim_log", ChatLog)
PHONE = web.AppKey("sim_phone", Phone)
FAKE = web.AppKey("sim_fake", FakeWeChatAPI)
PAGES = web.AppKey("sim_pages", jinja2.Environment)
MENU = web.AppKey("sim_menu", menu.Menu)


def setup(app: web.Application) -> None:
    """Add the simulator to `app`; call before the outbound client is set up, which it redirects."""
    app[LOG] = ChatLog()
    app[MENU] = _menu(app[CONFIG].wechat.menu)
    app[PAGES] = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True, enable_async=True
    )
    app.cleanup_ctx.append(_fake_api)
    app.on_shutdown.append(_close_streams)
    area = pages.area()
    area.router.add_get("", page)
    area.router.add_get("/events", events)
    area.router.add_post("/act", act)
    area.router.add_post("/clock", advance_clock)
    area.router.add_get("/qr/{code}.png", qr_image)
    area.router.add_static("/static", HERE / "static")
    app.add_subapp("/simulator", area)


def _menu(path: str) -> menu.Menu:
    """The menu file `louwu menu push` sends, so the simulator shows what followers will see."""
    try:
        return menu.load(Path(path) if path else None)
    except menu.MenuError as exc:
        logger.error("simulator: %s; showing louwu's own menu instead", exc)
        return menu.load(None)


async def _fake_api(app: web.Application) -> AsyncIterator[None]:
    """Serve the fake of WeChat's API on a free local port and point louwu's client at it."""
    config = app[CONFIG]
    fake = FakeWeChatAPI(config.wechat.app_id, config.wechat.app_secret or DEMO_SECRET, now=app[CLOCK].now)
    runner = web.AppRunner(fake.app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    fake.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    fake.listeners.append(lambda d: _arrived(app, d))
    wechat = dataclasses.replace(config.wechat, api_base_url=fake.url, app_secret=fake.app_secret)
    app[CONFIG] = dataclasses.replace(config, wechat=wechat)
    app[FAKE] = fake
    logger.warning("simulator on: WeChat's API is the local fake at %s; anyone can speak as anyone", fake.url)
    async with aiohttp.ClientSession() as http:
        labels = app[MENU].labels()
        app[PHONE] = Phone(http, wechat, app[CLOCK], app[LOG], app[SESSIONMAKER], labels, fake.add_media)
        yield
    await runner.cleanup()


def _arrived(app: web.Application, d: Delivered) -> None:
    """A push reached the fake: show it in that person's chat (a template's fields by their names)."""
    if d.channel == "custom":
        app[LOG].add(d.openid, "bot", "push", d.text, app[PHONE].stamp())
        return
    t = app[CONFIG].templates
    names = {key: FIELD_NAMES.get(ours, ours) for ours, key in (t.issue_update_keys | t.alert_keys).items()}
    fields = {names.get(key, key): value for key, value in d.data.items()}
    app[LOG].add(d.openid, "bot", "template", d.text, app[PHONE].stamp(), **fields)


async def _close_streams(app: web.Application) -> None:
    app[LOG].close()


async def page(request: web.Request) -> web.Response:
    app = request.config_dict
    async with app[SESSIONMAKER]() as session:
        cast = await people(session)
        buildings = await repos.org.buildings(session)
    config = app[CONFIG]
    html = (
        await app[PAGES]
        .get_template("simulator.html")
        .render_async(
            people=cast,
            buildings=buildings,
            menu=app[MENU],
            now=app[PHONE].stamp(),
            safe_mode=config.wechat.safe_mode,
            templates=bool(config.templates.issue_update or config.templates.alert),
            scheduler=SCHEDULER in app,
            can_advance=hasattr(app[CLOCK], "advance"),
        )
    )
    return web.Response(text=html, content_type="text/html")


async def events(request: web.Request) -> web.StreamResponse:
    """Server-sent events: every bubble after the browser's Last-Event-ID, then each new one live."""
    log = request.config_dict[LOG]
    try:
        last = int(request.headers.get("Last-Event-ID") or request.query.get("after") or 0)
    except ValueError:
        last = 0
    resp = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
    await resp.prepare(request)
    queue = log.listen()  # before reading the backlog, so nothing falls between the two
    try:
        for bubble in log.since(last):
            last = await _send(resp, bubble)
        while True:
            try:
                bubble = await asyncio.wait_for(queue.get(), KEEPALIVE)
            except TimeoutError:
                await resp.write(b": keep-alive\n\n")
                continue
            if bubble is None:
                break
            if bubble.id > last:
                last = await _send(resp, bubble)
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    finally:
        log.unlisten(queue)
    return resp


async def _send(resp: web.StreamResponse, bubble: Bubble) -> int:
    data = json.dumps(bubble.as_json(), ensure_ascii=False)
    await resp.write(f"id: {bubble.id}\ndata: {data}\n\n".encode())
    return bubble.id


def _bad(reason: str, status: int = 400) -> web.Response:
    return web.json_response({"ok": False, "error": reason}, status=status)


async def act(request: web.Request) -> web.Response:
    """Do what the person tapped or typed, through `/wechat`; the bubbles arrive on the stream."""
    try:
        body: dict[str, Any] = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return _bad("expected a JSON body: {openid, kind, value}")
    openid, kind, value = str(body.get("openid", "")), body.get("kind"), str(body.get("value", "")).strip()
    if not OPENID.match(openid):
        return _bad("openid: 1–64 letters, digits, _ or -")
    if kind not in get_args(ActionKind):
        return _bad(f"kind: one of {', '.join(get_args(ActionKind))}")
    if kind == "text" and not 0 < len(value) <= MAX_TEXT:
        return _bad(f"text: 1–{MAX_TEXT} characters")
    callback = str(request.url.origin().with_path("/wechat"))
    try:
        await request.config_dict[PHONE].act(callback, openid, Action(kind, value))
    except CallbackFailed as exc:
        return _bad(str(exc), 502)
    if SCHEDULER in request.config_dict:  # pushes show at once rather than at the next tick
        request.config_dict[SCHEDULER].wake_dispatch()
    return web.json_response({"ok": True})


async def advance_clock(request: web.Request) -> web.Response:
    """Move the simulated clock forward and run what falls due: deadline checks, digests, sends."""
    app = request.config_dict
    clock: Clock = app[CLOCK]
    try:
        hours = float((await request.json()).get("hours", 0))
    except (json.JSONDecodeError, UnicodeDecodeError, TypeError, ValueError):
        return _bad("expected a JSON body: {hours}")
    if not 0 < hours <= MAX_HOURS:
        return _bad(f"hours: more than 0, at most {MAX_HOURS}")
    if not hasattr(clock, "advance"):
        return _bad("this clock cannot be moved", 409)
    before = clock.now()
    clock.advance(hours=hours)
    if SCHEDULER in app:
        await app[SCHEDULER].run_due(since=before)
    return web.json_response({"ok": True, "now": app[PHONE].stamp()})


async def qr_image(request: web.Request) -> web.Response:
    app = request.config_dict
    try:
        url = await building_qr_url(app[SESSIONMAKER], app[API], request.match_info["code"])
    except UnknownBuilding:
        raise web.HTTPNotFound(text="no such building") from None
    image = await asyncio.to_thread(png, url, 6)
    return web.Response(body=image, content_type="image/png", headers={"Cache-Control": "max-age=3600"})
