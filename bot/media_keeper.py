"""Keeping what people send as evidence: each picture or voice message queued on arrival is fetched
through `media/get` well inside WeChat's three days, retried with backoff like an outbound message,
cleaned (pictures lose their metadata), put in the media store, and noted on the issue's timeline.
A MediaId that expired is one clear note, never a retry loop."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import MediaConfig
from bot.pictures import NotAPicture, cleaned
from bot.wechat.api import Download, WeChatAPI
from bot.wechat.errors import Permanent, WeChatAPIError
from storage import repos
from storage.media_store import MediaStore
from storage.models import MediaItem

logger = logging.getLogger("louwu.media")
LEASE = dt.timedelta(seconds=120)
BATCH = 8
GIVE_UP_AFTER = dt.timedelta(days=2, hours=12)  # WeChat drops temporary media after three days
EXPIRED = 40007  # invalid media_id: expired or never there
WHAT = {"image": "图片", "voice": "语音"}
KEPT = "[{what}] 已保存，可在管理后台查看"
NOT_KEPT = "[{what}] 没能保存：{why}"
WHY_EXPIRED = "微信的临时素材已过期（超过三天）或不存在"


@dataclass
class MediaKeeper:
    sessionmaker: async_sessionmaker[AsyncSession]
    api: WeChatAPI
    store: MediaStore
    config: MediaConfig
    now: Callable[[], dt.datetime]

    async def run(self) -> int:
        """One round: fetch what is due, remove what is to be purged. How many were handled."""
        async with self.sessionmaker.begin() as session:
            claimed = [
                (m.id, m.status) for m in await repos.media.claim_due(session, self.now(), BATCH, LEASE)
            ]
        for item_id, status in claimed:
            if status == repos.media.PURGE:
                await self._remove(item_id)
            else:
                await self._keep(item_id)
        return len(claimed)

    async def purge(self, before: dt.datetime) -> int:
        return await purge(self.sessionmaker, self.store, before)

    async def _remove(self, item_id: int) -> None:
        async with self.sessionmaker.begin() as session:
            item = await session.get(MediaItem, item_id)
            if item is not None:
                await self.store.remove(item)
                await session.delete(item)

    async def _keep(self, item_id: int) -> None:
        async with self.sessionmaker() as session:
            item = await session.get(MediaItem, item_id)
            if item is None:
                return
            media_id, kind, received = item.wechat_media_id, item.kind, item.received_at
        try:
            download = await self.api.get_media(media_id, self.config.max_bytes)
            data, thumb = self._cleaned(kind, download)
        except Permanent as exc:
            why = WHY_EXPIRED if exc.errcode == EXPIRED else f"微信拒绝了下载（{exc.errcode}）"
            await self._give_up(item_id, "expired" if exc.errcode == EXPIRED else "failed", why)
        except NotAPicture as exc:
            await self._give_up(item_id, "refused", str(exc))
        except WeChatAPIError as exc:
            await self._later(item_id, received, str(exc))
        else:
            await self._store(
                item_id, data, thumb, download.content_type if kind != "image" else "image/jpeg"
            )

    def _cleaned(self, kind: str, download: Download) -> tuple[bytes, bytes | None]:
        if kind == "image":
            return cleaned(download.data, self.config.max_pixels)
        if not download.content_type.startswith(("audio/", "voice/", "application/octet-stream")):
            raise NotAPicture(f"不是语音（{download.content_type}）")
        return download.data, None

    async def _store(self, item_id: int, data: bytes, thumb: bytes | None, content_type: str) -> None:
        async with self.sessionmaker.begin() as session:
            item = await session.get(MediaItem, item_id)
            if item is None or item.status != repos.media.PENDING:
                return
            await self.store.put(item, data, thumb)
            item.status, item.kept_at, item.claimed_until = repos.media.KEPT, self.now(), None
            item.content_type, item.size = content_type, len(data)
            await self._note(session, item, KEPT.format(what=WHAT[item.kind]))

    async def _give_up(self, item_id: int, status: str, why: str) -> None:
        async with self.sessionmaker.begin() as session:
            item = await session.get(MediaItem, item_id)
            if item is None or item.status != repos.media.PENDING:
                return
            item.status, item.note, item.claimed_until = status, why, None
            await self._note(session, item, NOT_KEPT.format(what=WHAT[item.kind], why=why))
        logger.info("medium %d not kept: %s", item_id, why)

    async def _later(self, item_id: int, received: dt.datetime, error: str) -> None:
        now = self.now()
        if now - received > GIVE_UP_AFTER:
            await self._give_up(item_id, "failed", f"三天内没能从微信取到（{error}）")
            return
        async with self.sessionmaker.begin() as session:
            item = await session.get(MediaItem, item_id)
            if item is None:
                return
            item.attempts += 1
            item.next_attempt_at = now + dt.timedelta(seconds=min(30 * 2**item.attempts, 3600))
            item.claimed_until, item.note = None, error[:500]

    async def _note(self, session: AsyncSession, item: MediaItem, note: str) -> None:
        if item.issue_id is not None:
            await repos.timeline.add_event(session, item.issue_id, "attachment", "system", note, self.now())


async def purge(
    sessionmaker: async_sessionmaker[AsyncSession], store: MediaStore, before: dt.datetime
) -> int:
    """Remove every medium received before `before`, bytes and row."""
    async with sessionmaker.begin() as session:
        items = await repos.media.received_before(session, before)
        for item in items:
            await store.remove(item)
            await session.delete(item)
    return len(items)
