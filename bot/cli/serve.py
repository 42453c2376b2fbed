"""`louwu serve`: run the web server (callback, health) on [server] host and port."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import errno
import logging
import time

import click
from aiohttp import web

from bot.app import create_app, freeze_startup_objects
from bot.cli.common import Fail, database_errors, get_config, new_event_loop
from bot.config import Config
from bot.logs import setup_logging
from bot.workers import Workers, preload, read_rules_ahead
from handlers import workdays
from handlers.texts import LOCAL_TZ
from storage import schema
from storage.db import is_sqlite, make_engine, make_sessionmaker

logger = logging.getLogger("louwu.serve")
# On SIGTERM or Ctrl-C, how long requests in flight have to be answered before their connections close;
# then the intake commits its batch and the scheduler's jobs finish: all of it within 5 s.
SHUTDOWN_GRACE = 2.5
SQLITE_WORKERS = (
    "--workers needs PostgreSQL: SQLite lets one process write at a time, so the workers would wait on "
    "each other's lock instead of answering; run one `louwu serve` on SQLite, or set [database] url to a "
    "PostgreSQL server"
)


@click.command()
@click.option("--port", type=int, help="Override [server] port.")
@click.option(
    "--reuse-port",
    is_flag=True,
    help="Share the port with other `louwu serve` processes (SO_REUSEPORT): the kernel spreads connections.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Serving processes forked after start-up, sharing its memory (PostgreSQL only).",
)
def serve(port: int | None, reuse_port: bool, workers: int) -> None:
    """Serve /wechat and /healthz."""
    run_server(get_config(), port, reuse_port, workers)


def run_server(config: Config, port: int | None = None, reuse_port: bool = False, workers: int = 1) -> None:
    if port:
        config = dataclasses.replace(config, server=dataclasses.replace(config.server, port=port))
    setup_logging(config)
    check_schema(config)
    if workers == 1:
        read_rules_ahead(config)
        serve_one(config, reuse_port)
        return
    if is_sqlite(config.database.url):
        raise Fail(SQLITE_WORKERS)
    loop = new_event_loop(config)
    describe_mode(config, loop)
    loop.close()
    logger.info("%d workers share the port", workers)
    preload(config)
    if Workers(lambda slot: _worker(config, slot)).run(workers):
        raise Fail("a worker could not start: its error is above")
    logger.info("stopped: every worker has stopped")


def _worker(config: Config, slot: int) -> None:
    try:
        serve_one(config, reuse_port=True, describe=False)
    except Fail as exc:
        logger.error("worker %d: %s", slot, exc.format_message())
        raise SystemExit(1) from None


def serve_one(config: Config, reuse_port: bool, describe: bool = True) -> None:
    """One serving process, until SIGTERM or Ctrl-C."""
    loop = new_event_loop(config)
    if describe:
        describe_mode(config, loop)
    host, port = config.server.host, config.server.port
    app = create_app(config)
    app.on_startup.append(freeze_startup_objects)  # after every cleanup context has started
    stopping: list[float] = []

    async def mark_stop(_: web.Application) -> None:
        stopping.append(time.monotonic())

    app.on_shutdown.insert(0, mark_stop)
    try:
        web.run_app(
            app,
            loop=loop,
            host=host,
            port=port,
            print=None,
            access_log=None,
            # aiohttp's default keeps a silent connection an hour: a trickle of headers could hold it.
            keepalive_timeout=config.server.read_timeout,
            reuse_port=reuse_port or None,
            shutdown_timeout=SHUTDOWN_GRACE,
        )
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        raise Fail(f"{host}:{port} is in use by another program: pass --port or set [server] port") from None
    said_stopped(logger, stopping, "requests in flight answered, the intake's batch committed, jobs finished")


def said_stopped(log: logging.Logger, since: list[float], what: str) -> None:
    """The one line that says the process has finished, and how long stopping took once asked."""
    took = f" {time.monotonic() - since[0]:.1f} s after the signal" if since else ""
    log.info("stopped%s: %s", took, what)


def check_schema(config: Config) -> None:
    """Refuse to start on a database that is not at the newest migration; warn of a holidays file
    that ends before the dates louwu will soon promise."""

    async def at_head() -> tuple[bool, str]:
        engine = make_engine(config.database.url)
        try:
            if not await schema.is_at_head(engine):
                return False, ""
            async with make_sessionmaker(engine)() as session:
                calendar = await workdays.current(session)
            return True, workdays.coverage_warning(calendar, dt.datetime.now(LOCAL_TZ).date())
        finally:
            await engine.dispose()

    with database_errors():
        ok, warning = asyncio.run(at_head())
    if not ok:
        raise Fail("the database schema is not up to date: run `louwu db upgrade` first")
    if warning:
        logger.warning("%s (louwu holidays import FILE, or 回复与节假日 in the admin web)", warning)


def describe_mode(config: Config, loop: asyncio.AbstractEventLoop) -> None:
    mode = "safe mode (AES)" if config.wechat.safe_mode else "plaintext mode"
    logger.info("callback in %s, on %s's event loop", mode, type(loop).__module__.partition(".")[0])
    describe_outbound(config)
    logger.info(
        "listening on http://%s:%s/wechat (config: %s)",
        config.server.host,
        config.server.port,
        config.source,
    )


def describe_outbound(config: Config) -> None:
    """Say which of WeChat's account modes louwu runs in, as SPEC.md asks."""
    t = config.templates
    if config.simulator.enabled:
        logger.warning("outbound: to the simulator's fake of WeChat's API in this process, never to WeChat")
    elif not config.wechat.app_secret:
        logger.warning("outbound: no [wechat] app_secret, so passive replies only; alerts and updates wait")
    elif t.issue_update or t.alert:
        logger.info(
            "outbound: customer-service messages, template fallback (update=%r alert=%r)",
            t.issue_update,
            t.alert,
        )
    else:
        logger.info(
            "outbound: customer-service messages only; outside the 48-hour window updates wait for the user"
        )
    where = "in this process" if config.scheduler.in_process else "in `louwu worker`"
    api = "the simulator's fake" if config.simulator.enabled else config.wechat.api_base_url
    logger.info("scheduler runs %s; API at %s", where, api)
