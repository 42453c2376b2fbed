"""The access token, shared by every process through the database: one refresh at a time, ahead of expiry.

In memory first; then the database row other processes wrote; only then WeChat's `stable_token`, by
whichever process takes the refresh lease. After 40001/42001/40014 the caller asks `renew(bad)`: a token
other than the bad one is used as is; if WeChat hands the bad one back, it is refreshed by force.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.wechat.errors import Transient
from storage import repos

logger = logging.getLogger("louwu.wechat")

# (force_refresh) -> (token, expires_in seconds)
Fetch = Callable[[bool], Awaitable[tuple[str, int]]]

MARGIN = dt.timedelta(minutes=5)
LEASE = dt.timedelta(seconds=15)
WAIT_STEP = 0.05
WAIT_STEPS = 200


class TokenProvider:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        app_id: str,
        fetch: Fetch,
        now: Callable[[], dt.datetime],
    ) -> None:
        self._sm = sessionmaker
        self._app_id = app_id
        self._fetch = fetch
        self._now = now
        self._lock = asyncio.Lock()
        self._token: str | None = None
        self._expires = dt.datetime.min.replace(tzinfo=dt.UTC)
        self.refreshes = 0  # how many times this process asked WeChat (for tests and logs)

    def _fresh(self, token: str | None, expires: dt.datetime) -> bool:
        return bool(token) and expires - MARGIN > self._now()

    async def get(self) -> str:
        if self._fresh(self._token, self._expires):
            return self._token  # type: ignore[return-value]
        async with self._lock:
            # Re-check: the task that held the lock may have just refreshed it.
            if not self._fresh(self._token, self._expires):
                await self._obtain(bad=None)
            return self._token  # type: ignore[return-value]

    async def renew(self, bad: str) -> str:
        """A call was refused with `bad`: get a different, valid token."""
        async with self._lock:
            if self._token != bad and self._fresh(self._token, self._expires):
                return self._token  # type: ignore[return-value]
            await self._obtain(bad=bad)
            return self._token  # type: ignore[return-value]

    async def _obtain(self, bad: str | None) -> None:
        for _ in range(WAIT_STEPS):
            async with self._sm.begin() as session:
                row = await repos.shared.token(session, self._app_id)
                if row and row.token != bad and self._fresh(row.token, row.expires_at):
                    self._token, self._expires = row.token, row.expires_at
                    return
                mine = await repos.shared.begin_refresh(session, self._app_id, self._now(), LEASE)
            if mine:
                await self._refresh(bad)
                return
            await asyncio.sleep(WAIT_STEP)  # another process is refreshing: wait for its row
        raise Transient(-1, "timed out waiting for another process to refresh the access token")

    async def _refresh(self, bad: str | None) -> None:
        token: str | None = None
        expires: dt.datetime | None = None
        try:
            token, seconds = await self._fetch(False)
            if token == bad:
                # stable_token returns the same token while it is valid; WeChat says it is not.
                token, seconds = await self._fetch(True)
            self.refreshes += 1
            expires = self._now() + dt.timedelta(seconds=seconds)
        finally:
            async with self._sm.begin() as session:
                await repos.shared.store_token(session, self._app_id, token, expires)
        logger.info("access token refreshed, valid for %d s", seconds)
        self._token, self._expires = token, expires  # type: ignore[assignment]
