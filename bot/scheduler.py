"""APScheduler 3 runs the jobs: the dispatcher every few seconds (and at once for urgent rows), the
deadline checks, and the two daily digests. Digest periods and deadline rounds are claimed through
database leases, so with several workers each runs once per period, and after a restart a missed
digest is caught up once. Outbox rows are shared out by row locks; on PostgreSQL a committed urgent
row wakes the dispatcher of every worker.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from functools import partial
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot import wakeup
from bot.config import SchedulerConfig
from bot.jobs import Jobs
from storage import repos
from storage.errors import is_unavailable

logger = logging.getLogger("louwu.scheduler")
NEVER = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)
DIGESTS = ("reporter_digest", "member_digest")
# Seconds a running job may take to finish when the process stops; a job cut short leaves its rows
# leased, and the next owner of the lease takes them over.
STOP_GRACE = 1.5


def last_fire(trigger: CronTrigger, now: dt.datetime) -> dt.datetime | None:
    """The trigger's latest fire time at or before `now` (within the last 8 days)."""
    t = trigger.get_next_fire_time(None, now - dt.timedelta(days=8))
    last = None
    while t is not None and t <= now:
        last = t
        t = trigger.get_next_fire_time(t, t + dt.timedelta(seconds=1))
    return last


class Scheduler:
    def __init__(self, jobs: Jobs, config: SchedulerConfig) -> None:
        self._jobs = jobs
        self._cfg = config
        self._tz = ZoneInfo(config.timezone)
        defaults = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}
        self._aps = AsyncIOScheduler(timezone=self._tz, job_defaults=defaults)
        self._crons = {
            "reporter_digest": CronTrigger.from_crontab(config.reporter_digest, timezone=self._tz),
            "member_digest": CronTrigger.from_crontab(config.member_digest, timezone=self._tz),
        }
        self._tasks: set[asyncio.Task[None]] = set()  # jobs running now
        self._catching_up: asyncio.Task[None] | None = None
        self._listening: asyncio.Task[None] | None = None
        self._holder = f"{socket.gethostname()}:{os.getpid()}"

    def start(self) -> None:
        self._aps.add_job(
            self._guard,
            IntervalTrigger(seconds=self._cfg.dispatch_interval),
            ["dispatch", self._jobs.dispatch_outbox],
            id="dispatch",
        )
        self._aps.add_job(
            self._guard,
            IntervalTrigger(seconds=self._cfg.dispatch_interval),
            ["media", self._jobs.keep_media],
            id="media",
        )
        self._aps.add_job(
            self._guard,
            IntervalTrigger(seconds=self._cfg.deadline_interval),
            ["deadlines", self.run_deadlines],
            id="deadlines",
        )
        for name, trigger in self._crons.items():
            self._aps.add_job(self._guard, trigger, [name, partial(self.run_digest, name)], id=name)
        self._aps.start()
        self._catching_up = asyncio.create_task(self.catch_up())
        url = self._jobs.engine.url
        if url.get_backend_name() == "postgresql":
            self._listening = asyncio.create_task(wakeup.listen(url, self.wake_dispatch))
        logger.info(
            "scheduler started: dispatch every %.1f s, digests %s", self._cfg.dispatch_interval, self._crons
        )

    async def stop(self) -> None:
        """Stop firing, let running jobs finish (cancel them after STOP_GRACE), so that the engine is
        disposed with no connection still checked out."""
        self._aps.shutdown(wait=False)
        if self._listening is not None:
            self._listening.cancel()
            await asyncio.gather(self._listening, return_exceptions=True)
        running = set(self._tasks)
        if running:
            _, late = await asyncio.wait(running, timeout=STOP_GRACE)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)

    def wake_dispatch(self) -> None:
        """Urgent rows were committed: dispatch now rather than at the next tick."""
        self._jobs.dispatcher.wake()
        job = self._aps.get_job("dispatch")
        if job is not None:
            job.modify(next_run_time=dt.datetime.now(self._tz))

    async def run_due(self, since: dt.datetime) -> None:
        """The clock jumped forward from `since` (the simulator's button): run the deadline checks,
        each digest whose time fell in the jump, and the dispatcher, as the triggers would have."""
        await self._guard("deadlines", self._jobs.check_deadlines)
        await self._guard("spikes", self._jobs.check_spikes)
        now = self._jobs.now()
        for name in DIGESTS:
            fired = last_fire(self._crons[name], now)
            if fired is not None and fired > since:
                await self._guard(name, partial(self.run_digest, name))
        self.wake_dispatch()

    async def catch_up(self) -> None:
        """Run each digest's latest missed period once, if it ran before (not on a first start)."""
        for name in DIGESTS:
            await self._guard(f"catch-up {name}", lambda n=name: self.run_digest(n, only_if_ran_before=True))

    async def run_digest(self, name: str, only_if_ran_before: bool = False) -> None:
        now = self._jobs.now()
        period = last_fire(self._crons[name], now)
        if period is None:
            return
        prefix = f"job:{name}:"
        async with self._jobs.sessionmaker.begin() as session:
            before = await repos.shared.latest(session, prefix)
            if only_if_ran_before and before is None:
                return
            claimed = await repos.shared.acquire(
                session, prefix + period.astimezone(dt.UTC).isoformat(), self._holder, now, NEVER
            )
        if not claimed:
            return
        since = (
            dt.datetime.fromisoformat(before.removeprefix(prefix))
            if before
            else period - dt.timedelta(days=1)
        )
        n = await (
            self._jobs.reporter_digest(since, period)
            if name == "reporter_digest"
            else self._jobs.member_digest(period)
        )
        logger.info("%s for %s: %d message(s) queued", name, period.isoformat(), n)
        self._jobs.dispatcher.wake()

    async def run_deadlines(self) -> bool:
        """Check deadlines unless another worker did less than an interval ago; True if this one did."""
        now = self._jobs.now()
        # A little under the interval: one process's ticks drift, and its next tick must find it free.
        until = now + dt.timedelta(seconds=self._cfg.deadline_interval * 0.9)
        async with self._jobs.sessionmaker.begin() as session:
            mine = await repos.shared.acquire(session, "every:deadlines", self._holder, now, until)
        if mine:
            await self._jobs.check_deadlines()
            await self._jobs.check_spikes()
            await self._jobs.retrain_if_due()
            await self._jobs.expire_media()
        return mine

    async def _guard(self, name: str, job: Callable[[], Awaitable[object]]) -> None:
        """Run a job: log its failure (a database outage as a warning) and let stop() wait for it."""
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # type: ignore[arg-type]
        try:
            await job()
        except Exception as exc:
            if is_unavailable(exc):
                logger.warning("%s skipped: database unavailable (%s)", name, exc)
            else:
                logger.exception("%s failed", name)
        finally:
            self._tasks.discard(task)  # type: ignore[arg-type]
