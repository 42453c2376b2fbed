"""A per-user limit on messages a minute, so one sender (or a script using their account) cannot
turn a flood into a flood of issues; what is over the limit is kept but not handled."""

from __future__ import annotations

import datetime as dt


class FloodLimit:
    """Counts in fixed one-minute windows, in this process (with several processes each counts its
    own share, so the limit is per process; one window's senders are all it keeps)."""

    def __init__(self, per_minute: int) -> None:
        self._limit = per_minute
        self._minute = -1
        # By the openid's hash, not the openid: a minute of many senders keeps no string of theirs
        # (at 1,000 new senders a second, 60,000 strings), and two openids sharing a 64-bit hash
        # only share a limit.
        self._counts: dict[int, int] = {}

    def allows(self, openid: str, at: dt.datetime) -> bool:
        minute = int(at.timestamp() // 60)
        if minute != self._minute:
            self._minute = minute
            self._counts.clear()
        key = hash(openid)
        count = self._counts.get(key, 0) + 1
        self._counts[key] = count
        return count <= self._limit
