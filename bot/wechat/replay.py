"""Replayed callbacks: a signature is good for one body only.

In plaintext mode the signature covers token, timestamp and nonce but not the body, so whoever saw
one signed URL could post anything under it while the timestamp is fresh. Each process remembers the
body it first saw for every signed (timestamp, nonce) and refuses another body under them; the same
body again is a retry, which the dedup key answers.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict

# At most this many signatures are remembered (about 250 bytes each); past it the oldest are
# forgotten early. The default window at 1,000 messages a second stays under it.
MAX_REMEMBERED = 400_000


class ReplayGuard:
    def __init__(self, window: float, limit: int = MAX_REMEMBERED) -> None:
        self._window = window
        self._limit = limit
        # (timestamp, nonce) -> (until when the timestamp passes the freshness check, body digest),
        # in the order they came: nearly the order they expire in, as senders' clocks agree.
        self._seen: OrderedDict[tuple[str, str], tuple[float, bytes]] = OrderedDict()

    def fresh(self, timestamp: str, nonce: str, body: bytes, now: float) -> bool:
        """False when these signed parameters came before with another body. Call it only for a
        timestamp that passed the freshness check."""
        self._forget(now)
        digest = hashlib.blake2b(body, digest_size=16).digest()
        key = (timestamp, nonce)
        seen = self._seen.get(key)
        if seen is not None:
            return seen[1] == digest
        self._seen[key] = (int(timestamp) + self._window, digest)
        return True

    def _forget(self, now: float) -> None:
        # Once its timestamp is stale the freshness check refuses a signature anyway.
        while self._seen:
            _, (until, _) = next(iter(self._seen.items()))
            if until >= now and len(self._seen) < self._limit:
                return
            self._seen.popitem(last=False)
