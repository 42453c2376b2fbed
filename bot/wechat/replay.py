"""Replayed callbacks: a signature is good for one body only.

In plaintext mode the signature covers token, timestamp and nonce but not the body, so whoever saw
one signed URL could post anything under it while the timestamp is fresh. Each process remembers the
body it first saw for every signed (timestamp, nonce) and refuses another body under them; the same
body again is a retry, which the dedup key answers.
"""

from __future__ import annotations

import hashlib
from array import array
from bisect import bisect_left
from dataclasses import dataclass, field

# At most this many signatures are remembered; past it some are forgotten early. The default window
# at 1,000 messages a second stays under it.
MAX_REMEMBERED = 400_000
# Signatures are kept in buckets by when their timestamp goes stale, this many seconds a bucket: a
# stale bucket goes at once, and a look-up knows its bucket from the timestamp.
SPAN = 8


def _digest(data: bytes) -> int:
    # 64 bits: a chance collision among a window's signatures is around one in 10^8 at the limit.
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")


@dataclass
class _Bucket:
    """New signatures in a dict (~120 bytes each); once the bucket's time has passed, packed into two
    sorted arrays of 64-bit digests (16 bytes each), where a look-up is a binary search."""

    keys: array = field(default_factory=lambda: array("Q"))
    bodies: array = field(default_factory=lambda: array("Q"))
    recent: dict[int, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.keys) + len(self.recent)

    def get(self, key: int) -> int | None:
        if (body := self.recent.get(key)) is not None:
            return body
        i = bisect_left(self.keys, key)
        return self.bodies[i] if i < len(self.keys) and self.keys[i] == key else None

    def pack(self) -> None:
        if self.keys:  # a late sender's signature after the bucket was packed: rare, merged whole
            self.recent = {**dict(zip(self.keys, self.bodies, strict=True)), **self.recent}
        order = sorted(self.recent)
        self.keys, self.bodies = array("Q", order), array("Q", map(self.recent.__getitem__, order))
        self.recent = {}

    def drop_one(self) -> None:
        if self.recent:
            self.recent.popitem()
        else:
            self.keys.pop()
            self.bodies.pop()


class ReplayGuard:
    def __init__(self, window: float, limit: int = MAX_REMEMBERED) -> None:
        self._window = int(window)
        self._limit = limit
        self._buckets: dict[int, _Bucket] = {}  # stale-at // SPAN -> its signatures
        self._count = 0
        self._swept = -1

    def __len__(self) -> int:
        return self._count

    def fresh(self, timestamp: str, nonce: str, body: bytes, now: float) -> bool:
        """False when these signed parameters came before with another body. Call it only for a
        timestamp that passed the freshness check."""
        self._sweep(now)
        stale_at = int(timestamp) + self._window
        bucket = self._buckets.setdefault(stale_at // SPAN, _Bucket())
        key = _digest(f"{timestamp}\0{nonce}".encode())
        seen = bucket.get(key)
        if seen is not None:
            return seen == _digest(body)
        bucket.recent[key] = _digest(body)
        self._count += 1
        if self._count > self._limit:
            self._forget_one()
        return True

    def _sweep(self, now: float) -> None:
        """Once a span: forget the stale buckets (the freshness check refuses their signatures
        anyway) and pack those whose senders' clocks have moved past them."""
        current = int(now) // SPAN
        if current == self._swept:
            return
        self._swept = current
        for b in [b for b in self._buckets if (b + 1) * SPAN <= now]:
            self._count -= len(self._buckets.pop(b))
        arriving = (int(now) + self._window) // SPAN  # where a signature made now goes
        for b, bucket in self._buckets.items():
            if b < arriving and bucket.recent:
                bucket.pack()

    def _forget_one(self) -> None:
        oldest = min(self._buckets)
        self._buckets[oldest].drop_one()
        self._count -= 1
        if not self._buckets[oldest]:
            del self._buckets[oldest]
