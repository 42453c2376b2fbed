"""Replayed callbacks: a signature is good for one body only.

In plaintext mode the signature covers token, timestamp and nonce but not the body, so whoever saw
one signed URL could post anything under it while the timestamp is fresh. Each process remembers the
body it first saw for every signed (timestamp, nonce) and refuses another body under them; the same
body again is a retry, which the dedup key answers.
"""

from __future__ import annotations

import hashlib

# At most this many signatures are remembered (about 100 bytes each); past it some are forgotten
# early. The default window at 1,000 messages a second stays under it.
MAX_REMEMBERED = 400_000
# Signatures are kept in buckets by when their timestamp goes stale, this many seconds a bucket: a
# stale bucket goes at once, and a look-up knows its bucket from the timestamp.
SPAN = 16


def _digest(data: bytes) -> int:
    # 64 bits: a chance collision among a window's signatures is around one in 10^8 at the limit.
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")


class ReplayGuard:
    def __init__(self, window: float, limit: int = MAX_REMEMBERED) -> None:
        self._window = int(window)
        self._limit = limit
        # bucket (stale-at // SPAN) -> {digest of (timestamp, nonce): digest of the body}; plain ints,
        # not tuples of strings, at a third of the memory a signature.
        self._buckets: dict[int, dict[int, int]] = {}
        self._count = 0
        self._swept = -1

    def __len__(self) -> int:
        return self._count

    def fresh(self, timestamp: str, nonce: str, body: bytes, now: float) -> bool:
        """False when these signed parameters came before with another body. Call it only for a
        timestamp that passed the freshness check."""
        self._forget(now)
        stale_at = int(timestamp) + self._window
        bucket = self._buckets.setdefault(stale_at // SPAN, {})
        key = _digest(f"{timestamp}\0{nonce}".encode())
        seen = bucket.get(key)
        if seen is not None:
            return seen == _digest(body)
        bucket[key] = _digest(body)
        self._count += 1
        if self._count > self._limit:
            self._forget_one()
        return True

    def _forget(self, now: float) -> None:
        # Once its timestamp is stale the freshness check refuses a signature anyway.
        current = int(now) // SPAN
        if current == self._swept:
            return
        self._swept = current
        for b in [b for b in self._buckets if (b + 1) * SPAN <= now]:
            self._count -= len(self._buckets.pop(b))

    def _forget_one(self) -> None:
        oldest = min(self._buckets)
        self._buckets[oldest].popitem()
        self._count -= 1
        if not self._buckets[oldest]:
            del self._buckets[oldest]
