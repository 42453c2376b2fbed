"""The outbox dispatcher: claim due rows, choose each one's channel, send with bounded concurrency, record.

Channel: a customer-service message while the user's quota allows (5 within 48 h of their last message,
3 within a minute of a subscribe, scan or click); else a template message for kinds that may use one;
else the row waits for the user's next message. Transient errors come back later with exponential
backoff and jitter; permanent ones are marked failed with the reason. Delivery is at least once: a send
that timed out may have arrived, and is sent again.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import random
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Config
from bot.wechat.api import WeChatAPI
from bot.wechat.errors import (
    ChannelStopped,
    DailyQuota,
    Permanent,
    TokenRefused,
    Transient,
    WeChatAPIError,
    WindowClosed,
)
from storage import repos
from storage.models import OutboxMessage, Reporter
from storage.repos.outbox import FAILED, PENDING, SENT, WAITING, Outcome

logger = logging.getLogger("louwu.outbox")

CUSTOM, TEMPLATE = "custom", "template"
MESSAGE_WINDOW, MESSAGE_QUOTA = dt.timedelta(hours=48), 5
EVENT_WINDOW, EVENT_QUOTA = dt.timedelta(minutes=1), 3
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
STOP_HOLD = dt.timedelta(hours=1)
# Digests are not "service notices a user triggered": WeChat forbids them as templates.
TEMPLATE_OF_KIND = {"update": "issue_update", "alert": "alert", "overdue": "alert"}
TEMPLATE_VALUE_MAX = 20


@dataclass
class Quota:
    """What customer-service sends a user has left, counted down as a batch is planned."""

    message_left: int = 0
    event_left: int = 0
    message_used: int = 0
    event_used: int = 0
    # The user's latest inbound these counts were read from: a row that waits, waits for a newer one.
    seen_up_to: dt.datetime = EPOCH

    @classmethod
    def of(cls, reporter: Reporter | None, now: dt.datetime) -> Quota:
        q = cls()
        if reporter is None or not reporter.subscribed:
            return q
        q.seen_up_to = max(t for t in (reporter.last_message_at, reporter.last_event_at, EPOCH) if t)
        if reporter.last_message_at and now - reporter.last_message_at < MESSAGE_WINDOW:
            q.message_left = max(0, MESSAGE_QUOTA - reporter.message_sends)
        if reporter.last_event_at and now - reporter.last_event_at < EVENT_WINDOW:
            q.event_left = max(0, EVENT_QUOTA - reporter.event_sends)
        return q

    def take(self) -> str | None:
        """Reserve one send; returns which window it counts against, None when both are spent."""
        if self.message_left:
            self.message_left, self.message_used = self.message_left - 1, self.message_used + 1
            return "message"
        if self.event_left:
            self.event_left, self.event_used = self.event_left - 1, self.event_used + 1
            return "event"
        return None

    def give_back(self, window: str) -> None:
        """A reserved send did not go out; WeChat counts only what it delivered."""
        if window == "message":
            self.message_left, self.message_used = self.message_left + 1, self.message_used - 1
        else:
            self.event_left, self.event_used = self.event_left + 1, self.event_used - 1


class Dispatcher:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        api: WeChatAPI,
        config: Config,
        now: Callable[[], dt.datetime],
        rng: random.Random | None = None,
    ) -> None:
        self._sm = sessionmaker
        self.api = api
        self._cfg = config.outbox
        self._templates = config.templates
        self._tz = ZoneInfo(config.scheduler.timezone)
        self._now = now
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not secrecy
        self._again = False

    def wake(self) -> None:
        """Urgent rows were queued: a run in progress takes one more turn."""
        self._again = True

    async def run(self) -> int:
        """Send everything due now; returns how many rows were sent."""
        sent = 0
        while True:
            self._again = False
            claimed, n = await self._batch()
            sent += n
            if not claimed and not self._again:
                return sent

    async def _batch(self) -> tuple[int, int]:
        now = self._now()
        lease = dt.timedelta(seconds=self._cfg.lease_seconds)
        async with self._sm.begin() as session:
            rows = await repos.outbox.claim_due(session, now, self._cfg.batch, lease)
            if not rows:
                return 0, 0
            people = await repos.people.by_openids(session, list({r.recipient for r in rows}))
            held = {h.name.removeprefix("hold:") for h in await repos.shared.active(session, "hold:", now)}
        quotas = {o: Quota.of(people.get(o), now) for o in {r.recipient for r in rows}}
        sending = _Sending(self, now, held)
        gate = asyncio.Semaphore(self._cfg.concurrency)
        done: asyncio.Queue[tuple[Outcome, str | None]] = asyncio.Queue()

        async def one(row: OutboxMessage) -> None:
            async with gate:
                await done.put(await sending.deliver(row, quotas[row.recipient]))

        senders = [asyncio.create_task(one(r)) for r in rows]
        try:
            n_sent = await self._record_as_done(done, len(rows), sending)
        finally:
            for task in senders:
                task.cancel()
        logger.info("outbox: %d claimed, %d sent", len(rows), n_sent)
        return len(rows), n_sent

    async def _record_as_done(
        self, done: asyncio.Queue[tuple[Outcome, str | None]], expected: int, sending: _Sending
    ) -> int:
        """Commit outcomes as sends finish, grouping whatever finished meanwhile: a crash then repeats
        only the sends that were in flight, not the whole batch."""
        recorded = n_sent = 0
        while recorded < expected:
            group = [await done.get()]
            while not done.empty():
                group.append(done.get_nowait())
            outcomes = [o for o, _ in group]
            used: dict[str, tuple[int, int]] = {}
            for o, window in group:
                if window:  # set only when the customer-service send went out
                    who = sending.recipient[o.id]
                    m, e = used.get(who, (0, 0))
                    used[who] = (m + (window == "message"), e + (window == "event"))
            async with self._sm.begin() as session:
                await repos.outbox.record(session, outcomes)
                await repos.people.count_sends(session, used)
                for channel, (until, note) in sending.new_holds.items():
                    await repos.shared.hold(session, f"hold:{channel}", until, note)
            recorded += len(group)
            n_sent += sum(o.status == SENT for o in outcomes)
        return n_sent

    def backoff(self, attempts: int, min_delay: float = 0.0) -> dt.timedelta:
        base = min(self._cfg.backoff_max, self._cfg.backoff_base * 2 ** (attempts - 1))
        return dt.timedelta(seconds=max(min_delay, base * (0.5 + self._rng.random())))

    def next_midnight(self, now: dt.datetime) -> dt.datetime:
        local = now.astimezone(self._tz)
        return dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), self._tz)


class _Sending:
    """One batch's sends: tries the channels of a row in order and turns errors into an Outcome."""

    def __init__(self, d: Dispatcher, now: dt.datetime, held: set[str]) -> None:
        self.d, self.now, self.held = d, now, held
        self.new_holds: dict[str, tuple[dt.datetime, str]] = {}
        self.recipient: dict[int, str] = {}

    async def deliver(self, row: OutboxMessage, quota: Quota) -> tuple[Outcome, str | None]:
        """The row's outcome, and which customer-service window the send counted against."""
        self.recipient[row.id] = row.recipient
        window = quota.take() if CUSTOM not in self.held else None
        outcome = await self._try_channels(row, window is not None)
        if outcome.status == WAITING:
            outcome = dataclasses.replace(outcome, next_attempt_at=quota.seen_up_to)
        if window is not None and outcome.channel != CUSTOM:
            quota.give_back(window)
            window = None
        return outcome, window

    async def _try_channels(self, row: OutboxMessage, custom_allowed: bool) -> Outcome:
        attempts = row.attempts + 1
        last: WeChatAPIError | None = None
        for channel in (CUSTOM, TEMPLATE):
            usable = custom_allowed if channel == CUSTOM else bool(self._template_id(row.kind))
            if channel in self.held or not usable:
                continue
            try:
                await self._send(channel, row)
            except (WindowClosed, DailyQuota, ChannelStopped) as exc:
                self._hold_for(channel, exc)
                last = exc
                continue  # the next channel may still reach the user
            except Transient as exc:
                return self._later(row, attempts, exc, channel)
            except TokenRefused as exc:
                self._hold_all(exc)
                return Outcome(row.id, PENDING, row.attempts, self.now + STOP_HOLD, error=_why(exc))
            except Permanent as exc:
                logger.warning("outbox %d to %s failed: %s", row.id, row.recipient, exc)  # logs.py hashes it
                return Outcome(row.id, FAILED, attempts, self.now, channel, _why(exc))
            return Outcome(row.id, SENT, attempts, self.now, channel, None, self.now)
        note = _why(last) if last else "no channel now: outside the 48-hour window and no template"
        return Outcome(
            row.id, WAITING, row.attempts, self.now, None, note + "; waits for the user's next message"
        )

    def _template_id(self, kind: str) -> str:
        name = TEMPLATE_OF_KIND.get(kind)
        return str(getattr(self.d._templates, name)) if name else ""

    async def _send(self, channel: str, row: OutboxMessage) -> None:
        if channel == CUSTOM:
            await self.d.api.send_text(row.recipient, row.payload["text"])
            return
        name = TEMPLATE_OF_KIND[row.kind]
        keys: dict[str, str] = getattr(self.d._templates, f"{name}_keys")
        fields = row.payload.get("fields") or {}
        data = {keys[k]: template_value(v) for k, v in fields.items() if k in keys}
        await self.d.api.send_template(row.recipient, self._template_id(row.kind), data)

    def _later(self, row: OutboxMessage, attempts: int, exc: Transient, channel: str) -> Outcome:
        # The channel is recorded as tried, not as used: a timed-out send may still have arrived.
        tried = f"{channel}?"
        if attempts >= self.d._cfg.max_attempts:
            why = f"gave up after {attempts}: {_why(exc)}"
            return Outcome(row.id, FAILED, attempts, self.now, tried, why)
        at = self.now + self.d.backoff(attempts, exc.min_delay)
        return Outcome(row.id, PENDING, attempts, at, tried, _why(exc))

    def _hold_for(self, channel: str, exc: WeChatAPIError) -> None:
        if isinstance(exc, DailyQuota):
            self._hold(channel, self.d.next_midnight(self.now), f"daily quota used up: {_why(exc)}")
        elif isinstance(exc, ChannelStopped):
            logger.error(
                "WeChat refused the %s channel (%s): check the account and template ids", channel, exc
            )
            self._hold(channel, self.now + STOP_HOLD, f"stopped: {_why(exc)}")

    def _hold_all(self, exc: WeChatAPIError) -> None:
        logger.error(
            "WeChat refused the access token request (%s): check app_id, app_secret, IP whitelist", exc
        )
        for channel in (CUSTOM, TEMPLATE):
            self._hold(channel, self.now + STOP_HOLD, f"token refused: {_why(exc)}")

    def _hold(self, channel: str, until: dt.datetime, note: str) -> None:
        self.held.add(channel)
        self.new_holds[channel] = (until, note)


def _why(exc: WeChatAPIError) -> str:
    return f"{exc.errcode} {exc.errmsg}".strip()


_LINE_BREAKS = re.compile(r"[\r\n\t]+")


def template_value(value: str) -> str:
    """WeChat's rules for template values: one line, no emoji, at most 20 characters."""
    flat = _LINE_BREAKS.sub(" ", value)
    kept = "".join(c for c in flat if ord(c) <= 0xFFFF and unicodedata.category(c) not in ("So", "Cs", "Co"))
    kept = kept.strip()
    return kept if len(kept) <= TEMPLATE_VALUE_MAX else kept[: TEMPLATE_VALUE_MAX - 1] + "…"
