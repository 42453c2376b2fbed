"""Replayed callbacks: a signature is good for one body only.

In plaintext mode the signature covers token, timestamp and nonce but not the body, so whoever saw
one signed URL could post anything under it while the timestamp is fresh. Each process remembers the
body it first saw for every signed (timestamp, nonce) and refuses another body under them; the same
body again is a retry, which the dedup key answers.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict

# A signature the cache has forgotten is also older than this many entries: at 1,000 messages a
# second and the default 300-second window, about 40 MB.
MAX_REMEMBERED = 300_000


class ReplayGuard:
    def __init__(self, window: float, limit: int = MAX_REMEMBERED) -> None:
        self._window = window
        self._limit = limit
        # (timestamp, nonce) -> (when first seen, digest of the body), oldest first
        self._seen: OrderedDict[tuple[str, str], tuple[float, bytes]] = OrderedDict()

    def fresh(self, timestamp: str, nonce: str, body: bytes, now: float) -> bool:
        """False when these signed parameters came before with another body."""
        self._forget(now)
        digest = hashlib.blake2b(body, digest_size=16).digest()
        key = (timestamp, nonce)
        seen = self._seen.get(key)
        if seen is not None:
            return seen[1] == digest
        self._seen[key] = (now, digest)
        return True

    def _forget(self, now: float) -> None:
        # Past the window the timestamp check refuses the signature anyway (twice the window: the
        # sender's clock may run ahead of ours by a whole window).
        while self._seen:
            _, (at, _) = next(iter(self._seen.items()))
            if now - at <= 2 * self._window and len(self._seen) < self._limit:
                return
            self._seen.popitem(last=False)
