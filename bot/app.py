"""The aiohttp application factory: routes, and the live objects each process owns."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
from aiohttp import web
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import admin
from bot.api import open311
from bot.api import v1 as api_v1
from bot.clock import Clock, OffsetClock
from bot.config import Config, model_settings
from bot.intake import Intake
from bot.intake.flood import FloodLimit
from bot.jobs import Jobs
from bot.keys import (
    API,
    CLOCK,
    CONFIG,
    ENCRYPTER,
    ENGINE,
    INTAKE,
    INTAKE_ENGINE,
    JOBS,
    REPLAYS,
    ROUTER,
    SAFE_MODE,
    SCHEDULER,
    SESSIONMAKER,
)
from bot.media_keeper import MediaKeeper
from bot.outbox import Dispatcher
from bot.rules import LiveRules
from bot.scheduler import Scheduler
from bot.wechat import callback
from bot.wechat.api import WeChatAPI
from bot.wechat.replay import ReplayGuard
from bot.wechat.reply import ReplyEncrypter
from bot.wechat.verify import SafeMode
from handlers import build_router
from handlers.context import TopicSettings
from handlers.router import Router
from nlp.similarity import shared_similarity
from storage.db import is_sqlite, make_engine, make_sessionmaker
from storage.errors import is_unavailable
from storage.media_store import media_store

logger = logging.getLogger("louwu.app")

# Allocations between two collections of the youngest generation in a serving process.
GC_YOUNG = 10_000


def create_app(config: Config, clock: Clock | None = None, router: Router | None = None) -> web.Application:
    """The whole service; `router` replaces the conversation handlers (tests of the intake)."""
    app = web.Application(client_max_size=config.server.max_body_bytes)
    app[CONFIG] = config
    app[CLOCK] = clock or (OffsetClock() if config.simulator.enabled else Clock())
    app[ROUTER] = router or build_router()
    app[REPLAYS] = ReplayGuard(config.wechat.timestamp_tolerance)
    wx = config.wechat
    if wx.safe_mode:
        app[SAFE_MODE] = SafeMode(wx.encoding_aes_key, wx.app_id)
        app[ENCRYPTER] = ReplyEncrypter(wx.token, wx.encoding_aes_key, wx.app_id)
    app.cleanup_ctx.append(_database)
    admin.setup(app)
    api_v1.setup(app)
    if config.open311.enabled:
        open311.setup(app)
    if config.simulator.enabled:
        from bot.simulator import routes as simulator  # its fake phone brings wechatpy's crypto along

        simulator.setup(app)  # before the outbound client, which it points at its fake of WeChat's API
    app.cleanup_ctx.append(_outbound)
    app.cleanup_ctx.append(_intake)
    callback.setup(app)
    app.router.add_get("/healthz", healthz)
    return app


async def freeze_startup_objects(app: web.Application) -> None:
    """Keep what start-up built (the model, the rules, SQLAlchemy's caches) out of the
    garbage collector's full passes, which otherwise walk all of it and stall every answer meanwhile,
    and collect the youngest objects less often: a batch of messages keeps thousands of them alive
    until it ends, and Python's default (every 700 allocations) walked them again and again, about
    a twentieth of a busy server's time. For a serving process only: what is frozen is never collected."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])


async def _database(app: web.Application) -> AsyncIterator[None]:
    url = app[CONFIG].database.url
    engine = make_engine(url)
    app[ENGINE] = engine
    app[SESSIONMAKER] = make_sessionmaker(engine)
    app[INTAKE_ENGINE] = make_engine(url, inline=True) if is_sqlite(url) else engine
    yield
    if app[INTAKE_ENGINE] is not engine:
        await app[INTAKE_ENGINE].dispose()
    await engine.dispose()


@asynccontextmanager
async def outbound(
    config: Config, sessionmaker: async_sessionmaker[AsyncSession], clock: Clock
) -> AsyncIterator[Jobs]:
    """The WeChat client, the dispatcher and the jobs, over one HTTP client session."""
    async with aiohttp.ClientSession() as http:
        api = WeChatAPI(http, config.wechat, sessionmaker, clock.now)
        dispatcher = Dispatcher(sessionmaker, api, config, clock.now)
        store = media_store(config.database.url, config.media.dir)
        keeper = MediaKeeper(sessionmaker, api, store, config.media, clock.now)
        yield Jobs(sessionmaker, config, clock.now, LiveRules(model_settings(config)), dispatcher, keeper)


async def _outbound(app: web.Application) -> AsyncIterator[None]:
    config = app[CONFIG]
    async with outbound(config, app[SESSIONMAKER], app[CLOCK]) as jobs:
        app[JOBS] = jobs
        app[API] = jobs.dispatcher.api
        # Without an AppSecret there is no access token: messages wait in the outbox (passive mode).
        runs = config.scheduler.in_process and bool(config.wechat.app_secret)
        scheduler = Scheduler(jobs, config.scheduler) if runs else None
        if scheduler is not None:
            app[SCHEDULER] = scheduler
            scheduler.start()
        yield
        if scheduler is not None:
            await scheduler.stop()


async def _intake(app: web.Application) -> AsyncIterator[None]:
    config = app[CONFIG]
    scheduler = app.get(SCHEDULER)
    # The first start on a machine builds the dictionary's mapped files (two seconds): off the loop.
    similarity = await asyncio.to_thread(shared_similarity)
    intake = Intake(
        app[INTAKE_ENGINE],
        app[ROUTER],
        LiveRules(model_settings(config)),
        app[CLOCK].now,
        similarity=similarity,
        topics=TopicSettings(config.topics.threshold, config.topics.window_days, config.topics.undo_minutes),
        # Without a scheduler here, workers elsewhere are woken by the transaction's NOTIFY
        # (PostgreSQL) or find the row at their next tick.
        on_urgent=scheduler.wake_dispatch if scheduler else lambda: None,
        flood=FloodLimit(config.server.messages_per_user_per_minute),
    )
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
