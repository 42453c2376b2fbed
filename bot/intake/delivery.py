"""One POST of a message on its way through the intake: what its request waits for and what it
hears (the reply, a database failure, or that its deadline passed)."""

from __future__ import annotations

import asyncio
import datetime as dt
import math
from dataclasses import dataclass, field

from handlers.events import Event
from handlers.replies import Reply


@dataclass(eq=False)
class Delivery:
    """`answered` resolves once: to the reply, to None when the database failed, or to TOO_LATE
    when the request's deadline passed first."""

    event: Event
    raw: str
    received_at: dt.datetime
    # When the request stops waiting (time.monotonic()); then `answered` resolves to TOO_LATE.
    deadline: float = math.inf
    answered: asyncio.Future[Reply | None | _TooLate] = field(default_factory=lambda: _future())
    # The raw message is in the database: answering "success" from now on loses nothing.
    stored: bool = False
    # Settled: `reply` is final (None: the database failed).
    done: bool = False
    reply: Reply | None = None
    # The request answered "success" before the reply was ready: it goes out as a message instead.
    late: bool = False
    inbound_id: int | None = None
    # Set when this delivery is a retry of another in the same batch.
    first: Delivery | None = None
    # False when another process (or the sweep) had handled it first: its reply is theirs.
    handled_here: bool = False


class _TooLate:
    def __repr__(self) -> str:
        return "TOO_LATE"


# What a delivery's request hears when its deadline passes first (see Intake._watch).
TOO_LATE = _TooLate()


def _future() -> asyncio.Future:  # type: ignore[type-arg]
    return asyncio.get_running_loop().create_future()


def settle(d: Delivery, reply: Reply | None) -> None:
    """Settle a delivery once: the first answer stands; its request hears it unless it gave up."""
    if d.done:
        return
    d.done, d.reply = True, reply
    if not d.answered.done():  # its request may have stopped waiting
        d.answered.set_result(reply)
