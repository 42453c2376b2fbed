"""The intake's second transaction: the batch's senders touched, each message dispatched to the
router with its HandlerContext, each reply stored. Only when a handler fails is the batch redone with
a savepoint per message, so one failing message never costs the others their answer."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.intake.delivery import Delivery, settle
from bot.intake.flood import FloodLimit
from bot.intake.record import stored_reply
from bot.rules import LiveRules
from handlers import texts
from handlers.context import HandlerContext, TopicSettings
from handlers.errors import HandlerFailed
from handlers.events import Event
from handlers.replies import Reply, TextReply
from handlers.router import UNHANDLED, Router
from nlp.similarity import Similarity
from storage import repos
from storage.db import connection_transaction, make_sessionmaker, savepoint, transaction
from storage.errors import translated
from storage.repos.outbox import URGENT_QUEUED
from storage.repos.people import Seen

logger = logging.getLogger("louwu.intake")


class Handling:
    def __init__(
        self,
        engine: AsyncEngine,
        router: Router,
        rules: LiveRules,
        similarity: Similarity | None,
        topics: TopicSettings,
        on_urgent: Callable[[], None],
        flood: FloodLimit | None,
    ) -> None:
        self._engine = engine
        self._sm = make_sessionmaker(engine)
        self._router = router
        self._rules = rules
        self._similarity = similarity
        self._topics = topics
        self._on_urgent = on_urgent
        self._flood = flood

    async def limit(self, todo: list[Delivery]) -> list[Delivery]:
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

    async def handle_all(self, todo: list[Delivery]) -> list[Reply | None]:
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
        return [handled[i] if i in mine else stored_reply(theirs.get(i)) for i in ids]

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
        for i, d in enumerate(todo):
            e = d.event
            assert d.inbound_id is not None
            repos.numbers.may_file(session, len(todo) - i)  # PostgreSQL's numbers, a block a batch
            ctx = HandlerContext(
                session=session,
                rules=engine,
                now=d.received_at,
                reporter=reporters[e.openid],
                member=members.get(e.openid),
                inbound_id=d.inbound_id,
                similarity=self._similarity,
                topics=self._topics,
            )
            reply, error = await self._dispatch(session, ctx, e, isolate)
            d.handled_here = True
            replies[d.inbound_id] = reply
            finished.append((d.inbound_id, reply.text if isinstance(reply, TextReply) else None, error))
        await repos.inbound.finish_many(conn, finished)
        return replies

    async def _dispatch(
        self, session: AsyncSession, ctx: HandlerContext, event: Event, isolate: bool
    ) -> tuple[Reply, str | None]:
        try:
            if not isolate:
                result = await self._router.dispatch(event, ctx)
            else:
                async with savepoint(session):
                    result = await self._router.dispatch(event, ctx)
        except HandlerFailed as failed:
            if not isolate:
                raise _Isolate from failed
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
