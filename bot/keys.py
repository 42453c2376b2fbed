"""Typed keys for the live objects an aiohttp application holds (no module-level singletons)."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import Config
from bot.intake import Intake
from bot.jobs import Jobs
from bot.scheduler import Scheduler
from bot.wechat.api import WeChatAPI
from bot.wechat.replay import ReplayGuard
from bot.wechat.reply import ReplyEncrypter
from bot.wechat.verify import SafeMode
from handlers.router import Router

CONFIG = web.AppKey("config", Config)
CLOCK = web.AppKey("clock", Clock)
ENGINE = web.AppKey("engine", AsyncEngine)
SESSIONMAKER = web.AppKey("sessionmaker", async_sessionmaker[AsyncSession])
# The intake's own engine: on SQLite its statements run on the event loop's thread (no thread hops);
# on PostgreSQL it is ENGINE.
INTAKE_ENGINE = web.AppKey("intake_engine", AsyncEngine)
INTAKE = web.AppKey("intake", Intake)
API = web.AppKey("wechat_api", WeChatAPI)
JOBS = web.AppKey("jobs", Jobs)
# Absent when [scheduler] in_process = false: `louwu worker` runs the jobs then.
SCHEDULER = web.AppKey("scheduler", Scheduler)
SAFE_MODE = web.AppKey("safe_mode", SafeMode)
ENCRYPTER = web.AppKey("encrypter", ReplyEncrypter)
ROUTER = web.AppKey("router", Router)
REPLAYS = web.AppKey("replays", ReplayGuard)
