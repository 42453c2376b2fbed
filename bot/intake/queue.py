"""The intake's queue: requests submit their message and wait for its reply until their deadline;
one task per process takes them off in batches, records them (transaction 1), hands them to the
handlers (transaction 2), and answers every request of the batch, whatever happened."""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import logging
import math
import time
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.intake.delivery import TOO_LATE, Delivery, settle
from bot.intake.flood import FloodLimit
from bot.intake.handling import Handling
from bot.intake.late import LateReplies
from bot.intake.record import record
from bot.rules import LiveRules
from handlers.context import TopicSettings
from handlers.events import Event
from handlers.router import Router
from nlp.similarity import Similarity
from storage.db import connection_transaction, make_sessionmaker
from storage.errors import DatabaseUnavailable, translated

logger = logging.getLogger("louwu.intake")

BATCH_MAX = 64
# How often the deadlines of waiting requests are looked at.
WATCH_SECONDS = 0.05
# At most this many turns of the event loop to gather a batch (each lets every ready request in).
GATHER_TURNS = 8
SWEEP_SECONDS = 60.0


class Intake:
    def __init__(
        self,
        engine: AsyncEngine,
        router: Router,
        rules: LiveRules,
        now: Callable[[], dt.datetime],
        batch_max: int = BATCH_MAX,
        similarity: Similarity | None = None,
        topics: TopicSettings | None = None,
        on_urgent: Callable[[], None] = lambda: None,
        flood: FloodLimit | None = None,
    ) -> None:
        self._engine = engine
        self._now = now
        self._batch_max = batch_max
        self._handling = Handling(
            engine, router, rules, similarity, topics or TopicSettings(), on_urgent, flood
        )
        self._late = LateReplies(make_sessionmaker(engine), self._handling, now, on_urgent, batch_max)
        self._queue: asyncio.Queue[Delivery] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._waiting: collections.deque[Delivery] = collections.deque()

    def start(self, sweep_seconds: float = SWEEP_SECONDS) -> None:
        self._tasks = [
            asyncio.create_task(self._run(), name="louwu-intake"),
            asyncio.create_task(self._late.sweep_every(sweep_seconds), name="louwu-intake-sweep"),
            asyncio.create_task(self._watch(), name="louwu-intake-deadlines"),
        ]

    async def stop(self) -> None:
        """Finish what is queued, then stop."""
        await self._queue.join()
        await self._late.finish()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def submit(self, event: Event, raw: str, deadline: float = math.inf) -> Delivery:
        """Queue a message; its `answered` resolves to the reply, to None (the database failed) or,
        once `deadline` (time.monotonic()) has passed, to TOO_LATE."""
        delivery = Delivery(event, raw, self._now(), deadline)
        self._queue.put_nowait(delivery)
        if deadline != math.inf:
            self._waiting.append(delivery)
        return delivery

    def push_late(self, d: Delivery) -> None:
        """The sender was answered "success": its reply follows as a customer-service message."""
        self._late.push(d)

    async def sweep(self) -> int:
        """Handle the stranded messages now (the sweep also runs on its own every minute)."""
        return await self._late.sweep()

    async def _watch(self) -> None:
        """Tell the requests whose deadline passed: one timer for them all, not one a request."""
        waiting = self._waiting
        while True:
            await asyncio.sleep(WATCH_SECONDS)
            now = time.monotonic()
            # Deadlines come in the order of submission: stop at the first still to come.
            while waiting and (waiting[0].answered.done() or waiting[0].deadline <= now):
                d = waiting.popleft()
                if not d.answered.done():
                    d.answered.set_result(TOO_LATE)

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            await self._gather()
            while len(batch) < self._batch_max and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                await self._process(batch)
            except Exception:
                logger.exception("intake batch failed")
            finally:
                self._answer_all(batch)
                for _ in batch:
                    self._queue.task_done()

    async def _gather(self) -> None:
        """Let requests the event loop has already read reach the queue before a batch starts: a
        batch runs without yielding, so what is not queued by then waits for the next one, and
        many small batches cost more than a few large ones. Stops as soon as nothing more comes."""
        for _ in range(GATHER_TURNS):
            waiting = self._queue.qsize()
            if waiting >= self._batch_max:
                return
            await asyncio.sleep(0)
            if self._queue.qsize() == waiting:
                return

    def _answer_all(self, batch: list[Delivery]) -> None:
        """Answer every delivery of a batch (a retry as its first delivery; None for what failed),
        and send on the replies their requests no longer wait for."""
        for d in batch:
            if d.first is not None and not d.done:
                settle(d, d.first.reply)
            settle(d, d.reply)
        late = [d for d in batch if d.late]
        if late:
            self._late.push_soon(late)

    async def _process(self, batch: list[Delivery]) -> None:
        try:
            async with translated(), connection_transaction(self._engine) as conn:
                await record(conn, batch)
        except DatabaseUnavailable as exc:
            logger.warning("database unavailable, %d message(s) refused: %s", len(batch), exc)
            return
        except Exception:
            if len(batch) == 1:
                raise
            # One message the database will not take must not cost the others their answer.
            logger.exception("recording a batch failed; recording its %d messages one by one", len(batch))
            for d in batch:
                d.first, d.inbound_id = None, None
                try:
                    await self._process([d])
                except Exception:
                    logger.exception("a message could not be recorded")
            return
        for d in batch:
            d.stored = True
        # Retries follow their first delivery; finished duplicates already have their stored reply.
        todo = [d for d in batch if d.first is None and not d.done]
        try:
            todo = await self._handling.limit(todo)
            replies = await self._handling.handle_all(todo)
        except DatabaseUnavailable as exc:
            logger.warning("database lost while handling %d message(s): %s", len(todo), exc)
            replies = [None] * len(todo)
        for d, reply in zip(todo, replies, strict=True):
            settle(d, reply)
