"""The aiohttp application factory: routes, and the live objects each process owns."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from aiohttp import web
from sqlalchemy import text

from bot.clock import Clock
from bot.config import Config
from bot.intake import Intake
from bot.keys import CLOCK, CONFIG, ENCRYPTER, ENGINE, INTAKE, ROUTER, SAFE_MODE, SESSIONMAKER
from bot.rules import LiveRules
from bot.wechat import callback
from bot.wechat.reply import ReplyEncrypter
from bot.wechat.verify import SafeMode
from handlers import build_router
from handlers.router import Router
from storage.db import make_engine, make_sessionmaker
from storage.errors import is_unavailable

logger = logging.getLogger("louwu.app")


def create_app(config: Config, clock: Clock | None = None, router: Router | None = None) -> web.Application:
    """The whole service; `router` replaces the conversation handlers (tests of the intake)."""
    app = web.Application(client_max_size=config.server.max_body_bytes)
    app[CONFIG] = config
    app[CLOCK] = clock or Clock()
    app[ROUTER] = router or build_router()
    wx = config.wechat
    if wx.safe_mode:
        app[SAFE_MODE] = SafeMode(wx.encoding_aes_key, wx.app_id)
        app[ENCRYPTER] = ReplyEncrypter(wx.token, wx.encoding_aes_key, wx.app_id)
    app.cleanup_ctx.append(_database)
    app.cleanup_ctx.append(_intake)
    callback.setup(app)
    app.router.add_get("/healthz", healthz)
    return app


async def _database(app: web.Application) -> AsyncIterator[None]:
    engine = make_engine(app[CONFIG].database.url)
    app[ENGINE] = engine
    app[SESSIONMAKER] = make_sessionmaker(engine)
    yield
    await engine.dispose()


async def _intake(app: web.Application) -> AsyncIterator[None]:
    intake = Intake(app[SESSIONMAKER], app[ROUTER], LiveRules(), app[CLOCK].now)
    intake.start()
    app[INTAKE] = intake
    yield
    await intake.stop()


async def healthz(request: web.Request) -> web.Response:
    try:
        async with request.app[ENGINE].connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:
        if not is_unavailable(exc):
            raise
        return web.json_response({"status": "degraded", "database": "unavailable"}, status=503)
    return web.json_response({"status": "ok", "database": "ok"})
