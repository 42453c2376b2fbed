"""A simulated person's phone: what they do becomes the XML WeChat would POST to the real `/wechat`,
signed (and encrypted in safe mode), and the passive reply is read back into the chat log."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import aiohttp
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from wechatpy.crypto import WeChatCrypto

from bot.clock import Clock
from bot.config import WeChatConfig
from bot.simulator.chat import ChatLog
from bot.simulator.wechat_side import message_xml, read_reply, sign
from storage import repos

LOCAL = ZoneInfo("Asia/Shanghai")
# Where the phone says it is when the person taps 位置: 南京西路, in front of the demo's buildings.
HERE = {"Location_X": "31.2286", "Location_Y": "121.4489", "Scale": "16", "Label": "上海市静安区南京西路"}

# What the simulator's 图片 button sends: a drawn photo of a leak, as a phone would upload it.
PHOTO = Path(__file__).parent / "static" / "photo.jpg"

ActionKind = Literal["text", "menu", "scan", "location", "image"]


@dataclass(frozen=True)
class Action:
    kind: ActionKind
    value: str = ""  # the text, the menu key, the building code (scan) or the picture's URL (image)


class CallbackFailed(Exception):
    """`/wechat` answered with an error status: shown in the chat, as WeChat would retry it."""


class Phone:
    def __init__(
        self,
        http: aiohttp.ClientSession,
        wechat: WeChatConfig,
        clock: Clock,
        log: ChatLog,
        sessionmaker: async_sessionmaker[AsyncSession],
        menu_labels: dict[str, str],
        upload: Callable[[bytes, str], str] | None = None,
    ) -> None:
        self._http, self._wechat, self._clock, self._log = http, wechat, clock, log
        self._labels = menu_labels
        self._upload = upload  # a picture into the fake's temporary media: its MediaId
        self._sm = sessionmaker
        self._crypto = (
            WeChatCrypto(wechat.token, wechat.encoding_aes_key, wechat.app_id) if wechat.safe_mode else None
        )
        self._followed: set[str] = set()

    def stamp(self) -> str:
        return self._clock.now().astimezone(LOCAL).strftime("%m-%d %H:%M")

    async def act(self, callback_url: str, openid: str, action: Action) -> None:
        """Do `action` as `openid`; a person who never followed the account follows it first."""
        followed = await self._has_followed(openid)
        if action.kind == "scan":
            self._log.add(openid, "me", "action", f"扫描二维码：{action.value}", self.stamp())
            # A follower's scan is SCAN with the bare scene; a first scan follows with `qrscene_`.
            event, key = ("SCAN", action.value) if followed else ("subscribe", f"qrscene_{action.value}")
            await self._post(callback_url, openid, "event", Event=event, EventKey=key)
            self._followed.add(openid)
            return
        if not followed:
            self._log.add(openid, "me", "action", "关注公众号", self.stamp())
            await self._post(callback_url, openid, "event", Event="subscribe")
            self._followed.add(openid)
        await self._do(callback_url, openid, action)

    async def _do(self, url: str, openid: str, action: Action) -> None:
        if action.kind == "text":
            self._log.add(openid, "me", "text", action.value, self.stamp())
            await self._post(url, openid, "text", Content=action.value)
        elif action.kind == "menu":
            label = self._labels.get(action.value, action.value)
            self._log.add(openid, "me", "action", f"菜单：{label}", self.stamp())
            await self._post(url, openid, "event", Event="CLICK", EventKey=action.value)
        elif action.kind == "location":
            self._log.add(openid, "me", "action", f"位置：{HERE['Label']}", self.stamp())
            await self._post(url, openid, "location", **HERE)
        elif action.kind == "image":
            self._log.add(openid, "me", "image", action.value, self.stamp())
            media_id = self._upload(PHOTO.read_bytes(), "image/jpeg") if self._upload else f"sim-{openid}"
            await self._post(url, openid, "image", PicUrl=action.value, MediaId=media_id)

    async def _post(self, url: str, openid: str, msg_type: str, **fields: Any) -> None:
        now = int(self._clock.now().timestamp())
        xml, _ = message_xml(openid, msg_type, now, **fields)
        envelope = sign(xml, self._wechat.token, now, self._crypto)
        async with self._http.post(url, params=envelope.params, data=envelope.body.encode()) as resp:
            body = await resp.text()
        if resp.status != 200:
            self._log.add(openid, "bot", "error", f"/wechat 回答 {resp.status}：{body}", self.stamp())
            raise CallbackFailed(f"/wechat answered {resp.status}: {body}")
        reply = read_reply(body, self._crypto).get("Content")
        if reply:
            self._log.add(openid, "bot", "reply", reply, self.stamp())

    async def _has_followed(self, openid: str) -> bool:
        """Members were seeded; a reporter has followed once the database knows them."""
        if openid in self._followed:
            return True
        async with self._sm() as session:
            known = bool(await repos.org.members_by_openid(session, [openid]))
            known = known or await repos.people.by_openid(session, openid) is not None
        if known:
            self._followed.add(openid)
        return known
