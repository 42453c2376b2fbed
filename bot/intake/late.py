"""Replies their requests no longer wait for: a sender answered "success" (the deadline passed) gets
the reply as a customer-service message once it is ready, and the stranded-message sweep handles
rows stored but never handled (a crash, a lost database) once WeChat has stopped retrying them."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.intake.delivery import Delivery
from bot.intake.handling import Handling
from bot.wechat.parse import to_event, xml_fields
from handlers.replies import Reply, TextReply
from storage import repos
from storage.db import transaction
from storage.errors import DatabaseUnavailable, translated
from storage.repos.outbox import NewMessage

logger = logging.getLogger("louwu.intake")

# WeChat retries a message three times within about 15 s; a row still unhandled after this is stranded.
STRANDED_AFTER = dt.timedelta(seconds=60)


class LateReplies:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        handling: Handling,
        now: Callable[[], dt.datetime],
        on_urgent: Callable[[], None],
        batch_max: int,
    ) -> None:
        self._sm = sessionmaker
        self._handling = handling
        self._now = now
        self._on_urgent = on_urgent
        self._batch_max = batch_max
        self._tasks: set[asyncio.Task[None]] = set()

    def push(self, d: Delivery) -> None:
        """The sender was answered "success": send the reply as a customer-service message once ready."""
        if d.done:
            self.push_soon([d])
        else:
            d.late = True  # sent once its batch settles

    def push_soon(self, late: list[Delivery]) -> None:
        task = asyncio.create_task(self._push(late))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def finish(self) -> None:
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _push(self, late: list[Delivery]) -> None:
        try:
            await self._send([(d, d.reply) for d in late])
        except DatabaseUnavailable as exc:
            logger.warning("%d late replies not queued, database unavailable: %s", len(late), exc)

    async def _send(self, answered: list[tuple[Delivery, Reply | None]]) -> None:
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
        """Handle the stranded rows and send their replies as customer-service messages; returns how
        many rows it found."""
        now = self._now()
        async with translated(), transaction(self._sm) as session:
            rows = await repos.inbound.stranded(session, now - STRANDED_AFTER, self._batch_max)
        todo: list[Delivery] = []
        for row in rows:
            d = Delivery(to_event(xml_fields(row.raw)), row.raw, row.received_at)
            d.inbound_id = row.id
            todo.append(d)
        replies = await self._handling.handle_all(todo)
        # Those another process handled first had their reply from it.
        ours = [(d, r) for d, r in zip(todo, replies, strict=True) if d.handled_here]
        await self._send(ours)
        if ours:
            logger.warning("handled %d stranded message(s); their replies follow as messages", len(ours))
        return len(todo)

    async def sweep_every(self, seconds: float) -> None:
        while True:
            await asyncio.sleep(seconds)
            try:
                while await self.sweep() == self._batch_max:
                    pass
            except DatabaseUnavailable as exc:
                logger.warning("sweep of stranded messages skipped, database unavailable: %s", exc)
            except Exception:
                logger.exception("sweep of stranded messages failed")
