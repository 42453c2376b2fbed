"""Intake: store every inbound message, then dispatch it to the handlers, in batched transactions.

One task per process takes deliveries off a queue in batches. Transaction 1 records the raw
messages (the UNIQUE dedup key stops WeChat's retries); only then may a request answer at all.
Transaction 2 runs the handlers and stores each reply; only when a handler fails is the batch redone
with a savepoint per message. Batching lets
SQLite's single writer commit many messages at once under load; at low load a batch is one message.
Because one task handles a process's messages in order, a user's messages never race each other.
"""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import logging
import math
import time
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from bot.delivery import TOO_LATE, Delivery, settle
from bot.flood import FloodLimit
from bot.rules import LiveRules
from bot.wechat.parse import to_event, xml_fields
from handlers import texts
from handlers.context import HandlerContext, TopicSettings
from handlers.errors import HandlerFailed
from handlers.events import Event
from handlers.replies import NO_REPLY, Reply, TextReply
from handlers.router import UNHANDLED, Router
from nlp.similarity import Similarity
from storage import pending, repos
from storage.db import connection_transaction, make_sessionmaker, transaction
from storage.errors import DatabaseUnavailable, translated
from storage.repos.inbound import RECEIVED
from storage.repos.outbox import URGENT_QUEUED, NewMessage
from storage.repos.people import Seen

logger = logging.getLogger("louwu.intake")

BATCH_MAX = 64
# How often the deadlines of waiting requests are looked at.
WATCH_SECONDS = 0.05
# At most this many turns of the event loop to gather a batch (each lets every ready request in).
GATHER_TURNS = 8
# WeChat retries a message three times within about 15 s; a row still unhandled after this is stranded.
STRANDED_AFTER = dt.timedelta(seconds=60)
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
        self._sm = make_sessionmaker(engine)
        self._router = router
        self._rules = rules
        self._now = now
        self._batch_max = batch_max
        self._similarity = similarity
        self._topics = topics or TopicSettings()
        self._on_urgent = on_urgent
        self._flood = flood
        self._queue: asyncio.Queue[Delivery] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._late: set[asyncio.Task[None]] = set()
        self._waiting: collections.deque[Delivery] = collections.deque()

    def start(self, sweep_seconds: float = SWEEP_SECONDS) -> None:
        self._tasks = [
            asyncio.create_task(self._run(), name="louwu-intake"),
            asyncio.create_task(self._sweep_every(sweep_seconds), name="louwu-intake-sweep"),
            asyncio.create_task(self._watch(), name="louwu-intake-deadlines"),
        ]

    async def stop(self) -> None:
        """Finish what is queued, then stop."""
        await self._queue.join()
        await asyncio.gather(*self._late, return_exceptions=True)
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

    def push_late(self, d: Delivery) -> None:
        """The sender was answered "success": send the reply as a customer-service message once ready."""
        if d.done:
            self._push_soon([d])
        else:
            d.late = True  # sent once its batch settles

    def _push_soon(self, late: list[Delivery]) -> None:
        task = asyncio.create_task(self._push(late))
        self._late.add(task)
        task.add_done_callback(self._late.discard)

    async def _push(self, late: list[Delivery]) -> None:
        try:
            await self._send_replies([(d, d.reply) for d in late])
        except DatabaseUnavailable as exc:
            logger.warning("%d late replies not queued, database unavailable: %s", len(late), exc)

    async def _send_replies(self, answered: list[tuple[Delivery, Reply | None]]) -> None:
        """Queue text replies as customer-service messages, in one transaction."""
        messages = [
            NewMessage(d.event.openid, "reply", reply.text, dedup_key=f"reply:{d.event.dedup_key}")
            for d, reply in answered
            if isinstance(reply, TextReply)
        ]
        if not messages:
            return
        async with translated(), transaction(self._sm) as session:
            await repos.outbox.enqueue(session, messages, self._now())
        self._on_urgent()

    async def sweep(self) -> int:
        """Handle the stranded rows (stored, never handled, no longer retried by WeChat) and send
        their replies as customer-service messages; returns how many rows it found."""
        now = self._now()
        async with translated(), transaction(self._sm) as session:
            rows = await repos.inbound.stranded(session, now - STRANDED_AFTER, self._batch_max)
        todo: list[Delivery] = []
        for row in rows:
            d = Delivery(to_event(xml_fields(row.raw)), row.raw, row.received_at)
            d.inbound_id = row.id
            todo.append(d)
        replies = await self._handle_all(todo)
        # Those another process handled first had their reply from it.
        ours = [(d, r) for d, r in zip(todo, replies, strict=True) if d.handled_here]
        await self._send_replies(ours)
        if ours:
            logger.warning("handled %d stranded message(s); their replies follow as messages", len(ours))
        return len(todo)

    async def _sweep_every(self, seconds: float) -> None:
        while True:
            await asyncio.sleep(seconds)
            try:
                while await self.sweep() == self._batch_max:
                    pass
            except DatabaseUnavailable as exc:
                logger.warning("sweep of stranded messages skipped, database unavailable: %s", exc)
            except Exception:
                logger.exception("sweep of stranded messages failed")

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
            self._push_soon(late)

    async def _process(self, batch: list[Delivery]) -> None:
        try:
            async with translated(), connection_transaction(self._engine) as conn:
                await self._record(conn, batch)
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
            todo = await self._limit(todo)
            replies = await self._handle_all(todo)
        except DatabaseUnavailable as exc:
            logger.warning("database lost while handling %d message(s): %s", len(todo), exc)
            replies = [None] * len(todo)
        for d, reply in zip(todo, replies, strict=True):
            settle(d, reply)

    async def _record(self, conn: AsyncConnection, batch: list[Delivery]) -> None:
        """Store the batch in one INSERT; retries collide on the UNIQUE dedup key."""
        new: dict[str, Delivery] = {}
        for d in batch:
            key = d.event.dedup_key
            first = new.get(key)
            if first is not None:
                d.first = first  # a retry arriving in the same batch as its first delivery
            else:
                new[key] = d
        rows = [
            repos.inbound.NewInbound(key, d.event.openid, d.event.kind, d.raw, d.received_at)
            for key, d in new.items()
        ]
        ids = await repos.inbound.record_many(conn, rows)
        for key, d in new.items():
            d.inbound_id = ids.get(key)
            if d.inbound_id is None:
                await self._seen_before(conn, d)

    async def _seen_before(self, conn: AsyncConnection, d: Delivery) -> None:
        row = await repos.inbound.by_key(conn, d.event.dedup_key)
        if row is not None and row.status == RECEIVED:
            # Stored by an earlier attempt that never finished (crash, lost database): handle now.
            d.inbound_id = row.id
            return
        settle(d, _stored(row.reply if row else None))

    async def _limit(self, todo: list[Delivery]) -> list[Delivery]:
        """Answer the messages over their sender's limit (kept, not handled); the rest, to handle."""
        flood = self._flood
        if flood is None:
            return todo
        over = [
            d for d in todo if d.event.window == "message" and not flood.allows(d.event.openid, d.received_at)
        ]
        if not over:
            return todo
        async with translated(), connection_transaction(self._engine) as conn:
            await repos.inbound.throttle(conn, [d.inbound_id for d in over if d.inbound_id], texts.TOO_FAST)
        logger.warning("%d message(s) over a sender's limit kept, not handled", len(over))
        for d in over:
            settle(d, TextReply(texts.TOO_FAST))
        return [d for d in todo if not d.done]

    async def _handle_all(self, todo: list[Delivery]) -> list[Reply | None]:
        """Handle a batch in one transaction; if a handler fails, redo it with a savepoint each."""
        if not todo:
            return []
        try:
            return await self._handle(todo, isolate=False)
        except _Isolate:
            return await self._handle(todo, isolate=True)

    async def _handle(self, todo: list[Delivery], isolate: bool) -> list[Reply | None]:
        ids = [d.inbound_id for d in todo if d.inbound_id is not None]
        async with translated(), transaction(self._sm) as session:
            conn = await session.connection()  # the intake's own statements need no ORM
            mine = await repos.inbound.claim_received(conn, ids)
            # Handled meanwhile by another process (a retry sent to another server, or the sweep).
            theirs = await repos.inbound.replies_of(conn, [i for i in ids if i not in mine])
            handled = await self._handle_ours(session, [d for d in todo if d.inbound_id in mine], isolate)
        if session.info.get(URGENT_QUEUED):
            self._on_urgent()
        return [handled[i] if i in mine else _stored(theirs.get(i)) for i in ids]

    async def _handle_ours(
        self, session: AsyncSession, todo: list[Delivery], isolate: bool
    ) -> dict[int, Reply]:
        if not todo:
            return {}
        engine = await self._rules.engine(session)
        seen = _seen(todo)
        conn = await session.connection()
        reporters = await repos.people.touch_many(conn, seen)
        members = await repos.org.members_by_openid(session, list(seen))
        replies: dict[int, Reply] = {}
        finished: list[tuple[int, str | None, str | None]] = []
        for d in todo:
            e = d.event
            assert d.inbound_id is not None
            ctx = HandlerContext(
                session,
                engine,
                d.received_at,
                reporters[e.openid],
                members.get(e.openid),
                d.inbound_id,
                self._similarity,
                self._topics,
            )
            reply, error = await self._dispatch(session, ctx, e, isolate)
            d.handled_here = True
            replies[d.inbound_id] = reply
            finished.append((d.inbound_id, _text_of(reply), error))
        await repos.inbound.finish_many(conn, finished)
        return replies

    async def _dispatch(
        self, session: AsyncSession, ctx: HandlerContext, event: Event, isolate: bool
    ) -> tuple[Reply, str | None]:
        try:
            if not isolate:
                result = await self._router.dispatch(event, ctx)
            else:
                async with session.begin_nested():
                    result = await self._router.dispatch(event, ctx)
                    await pending.write(session)  # inside the savepoint it may roll back
        except HandlerFailed as failed:
            if not isolate:
                raise _Isolate from failed
            pending.discard(session)
            return failed.reply, repr(failed.cause)[:2000]
        return (TextReply(texts.UNSUPPORTED) if result is UNHANDLED else result), None


class _Isolate(Exception):  # noqa: N818 - a control-flow signal
    """A handler failed in an unisolated batch: roll it back and redo it with savepoints."""


def _seen(batch: list[Delivery]) -> dict[str, Seen]:
    seen: dict[str, Seen] = {}
    for d in batch:
        e, at = d.event, d.received_at
        before = seen.get(e.openid, Seen(at))
        seen[e.openid] = Seen(
            at,
            at if e.window == "message" else before.message_at,
            at if e.window == "event" else before.event_at,
        )
    return seen


def _text_of(reply: Reply) -> str | None:
    return reply.text if isinstance(reply, TextReply) else None


def _stored(text: str | None) -> Reply:
    return TextReply(text) if text else NO_REPLY
