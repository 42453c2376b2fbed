"""WeChat's side of the callback, played for real: XML built, signed (and encrypted) with wechatpy."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp.test_utils import TestClient
from wechatpy.crypto import WeChatCrypto

from bot.simulator.wechat_side import message_xml, read_reply, sign


@dataclass
class Answer:
    status: int
    body: str
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.fields.get("Content", "")


@dataclass
class Sent:
    xml: str
    create_time: int
    msg_id: int | None


class WeChatSender:
    def __init__(
        self,
        client: TestClient,
        token: str,
        app_id: str = "wx_louwu_test",
        aes_key: str | None = None,
        clock: Any = None,
    ) -> None:
        self.client = client
        self.token = token
        self.app_id = app_id
        self.crypto = WeChatCrypto(token, aes_key, app_id) if aes_key else None
        self.clock = clock

    def now(self) -> int:
        return int(self.clock.now().timestamp()) if self.clock else int(time.time())

    def message(self, openid: str, msg_type: str, msg_id: int | None = None, **fields: Any) -> Sent:
        created = fields.pop("create_time", None) or self.now()
        xml, msg_id = message_xml(openid, msg_type, created, msg_id, **fields)
        return Sent(xml, created, msg_id)

    async def post(
        self,
        body: str | bytes,
        *,
        forge: bool = False,
        stale: bool = False,
        encrypt: bool | None = None,
        timestamp: int | None = None,
        nonce: str | None = None,
    ) -> Answer:
        ts = timestamp or (self.now() - 3600 if stale else self.now())
        encrypt = self.crypto is not None if encrypt is None else encrypt
        crypto = self.crypto if encrypt and isinstance(body, str) else None
        if isinstance(body, str):
            envelope = sign(body, self.token, ts, crypto, nonce)
            params, body = envelope.params, envelope.body
        else:
            params = sign("", self.token, ts, None, nonce).params
        if forge:
            params["signature"] = "0" * 40
            if crypto is not None:  # a good outer signature over a forged inner one
                params["msg_signature"] = "0" * 40
                params["signature"] = sign("", self.token, ts, None, params["nonce"]).params["signature"]
        resp = await self.client.post("/wechat", params=params, data=body)
        text = await resp.text()
        answer = Answer(resp.status, text)
        if resp.status == 200:
            answer.fields = read_reply(text, self.crypto)
        return answer

    async def text(self, openid: str, content: str, **kw: Any) -> Answer:
        return await self.post(self.message(openid, "text", Content=content).xml, **kw)

    async def event(self, openid: str, name: str, key: str = "", **kw: Any) -> Answer:
        fields: dict[str, Any] = {"Event": name}
        if key:
            fields["EventKey"] = key
        return await self.post(self.message(openid, "event", **fields).xml, **kw)

    def reporter(self, openid: str) -> Actor:
        return Actor(self, openid)


@dataclass
class Actor:
    """A person in a conversation test: `reply = await alice.says("四楼食堂关了")`."""

    wx: WeChatSender
    openid: str

    async def says(self, text: str) -> str:
        answer = await self.wx.text(self.openid, text)
        assert answer.status == 200, answer.body
        return answer.text

    async def follows(self, scene: str = "") -> str:
        answer = await self.wx.event(self.openid, "subscribe", f"qrscene_{scene}" if scene else "")
        assert answer.status == 200, answer.body
        return answer.text


_FILED = re.compile(r"(已收到您的反映|已收到)，编号 #(\d+)")


def filed_number(reply: str) -> int:
    """The number of the issue a reply says was filed; fails on any other reply (附议, 没有找到 …)."""
    m = _FILED.search(reply)
    assert m, f"not a filing reply: {reply!r}"
    return int(m.group(2))
