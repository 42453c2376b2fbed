"""`louwu worker`: the scheduled work (outbox, deadlines, digests) in a process of its own.

Use it with `[scheduler] in_process = false`, so that web processes only take messages.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time

import click

from bot.app import outbound
from bot.cli.common import Fail, database_errors, get_config, new_event_loop
from bot.cli.serve import check_schema, describe_outbound, said_stopped
from bot.clock import Clock
from bot.config import Config
from bot.logs import setup_logging
from bot.scheduler import Scheduler
from storage.db import make_engine, make_sessionmaker

logger = logging.getLogger("louwu.worker")


@click.command()
def worker() -> None:
    """Run the dispatcher, deadline checks and digests without the web server."""
    config = get_config()
    if not config.wechat.app_secret:
        raise Fail(
            "the worker sends through WeChat's API: set [wechat] app_secret (or LOUWU_WECHAT__APP_SECRET)"
        )
    setup_logging(config)
    check_schema(config)
    describe_outbound(config)
    with database_errors(), asyncio.Runner(loop_factory=lambda: new_event_loop(config)) as runner:
        runner.run(work(config))


async def work(config: Config) -> None:
    engine = make_engine(config.database.url)
    stop, stopping = asyncio.Event(), list[float]()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with outbound(config, make_sessionmaker(engine), Clock()) as jobs:
            scheduler = Scheduler(jobs, config.scheduler)
            scheduler.start()
            await stop.wait()
            stopping.append(time.monotonic())
            await scheduler.stop()
    finally:
        await engine.dispose()
    said_stopped(logger, stopping, "jobs finished or their leases left to the next owner")
