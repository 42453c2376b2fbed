"""The simulator's chat log: every bubble of every simulated person, and the pages listening for more."""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

KEEP = 5000  # bubbles kept in memory; the database keeps the real record


@dataclass(frozen=True)
class Bubble:
    id: int
    openid: str
    side: Literal["me", "bot"]
    # me: text | action; bot: reply (passive) | push (customer-service) | template
    kind: str
    text: str
    at: str  # the simulated time, as the phone shows it
    data: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


class ChatLog:
    def __init__(self) -> None:
        self._bubbles: deque[Bubble] = deque(maxlen=KEEP)
        self._ids = itertools.count(1)
        self._listeners: set[asyncio.Queue[Bubble | None]] = set()

    def add(
        self, openid: str, side: Literal["me", "bot"], kind: str, text: str, at: str, **data: str
    ) -> Bubble:
        bubble = Bubble(next(self._ids), openid, side, kind, text, at, data)
        self._bubbles.append(bubble)
        for queue in self._listeners:
            queue.put_nowait(bubble)
        return bubble

    def since(self, last_id: int) -> list[Bubble]:
        return [b for b in self._bubbles if b.id > last_id]

    def listen(self) -> asyncio.Queue[Bubble | None]:
        queue: asyncio.Queue[Bubble | None] = asyncio.Queue()
        self._listeners.add(queue)
        return queue

    def unlisten(self, queue: asyncio.Queue[Bubble | None]) -> None:
        self._listeners.discard(queue)

    def close(self) -> None:
        """The server stops: every open stream ends."""
        for queue in self._listeners:
            queue.put_nowait(None)
