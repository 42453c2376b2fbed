"""WeChat's side of the callback, played for real: XML built, signed (and encrypted) with wechatpy."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

import defusedxml.ElementTree as SafeET
from aiohttp.test_utils import TestClient
from wechatpy.crypto import WeChatCrypto

from bot.wechat.verify import signature

ACCOUNT = "gh_louwu_test"
_ids = itertools.count(7_000_000_000_000_000_001)
_nonces = itertools.count(1)


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
        parts = [
            f"<ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>",
            f"<FromUserName><![CDATA[{openid}]]></FromUserName>",
            f"<CreateTime>{created}</CreateTime>",
            f"<MsgType><![CDATA[{msg_type}]]></MsgType>",
        ]
        parts += [f"<{k}>{escape(str(v))}</{k}>" for k, v in fields.items()]
        if msg_type != "event":
            msg_id = msg_id or next(_ids)
            parts.append(f"<MsgId>{msg_id}</MsgId>")
        return Sent("<xml>" + "".join(parts) + "</xml>", created, msg_id)

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
        ts = str(timestamp or (self.now() - 3600 if stale else self.now()))
        nonce = nonce or f"n{next(_nonces)}"
        params = {"timestamp": ts, "nonce": nonce, "signature": signature(self.token, ts, nonce)}
        if forge:
            params["signature"] = "0" * 40
        encrypt = self.crypto is not None if encrypt is None else encrypt
        if encrypt and isinstance(body, str):
            assert self.crypto is not None
            envelope = self.crypto.encrypt_message(body, nonce, ts)
            fields = _fields(envelope)
            body = (
                f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
                f"<Encrypt><![CDATA[{fields['Encrypt']}]]></Encrypt></xml>"
            )
            params["encrypt_type"] = "aes"
            params["msg_signature"] = fields["MsgSignature"]
            if forge:
                params["msg_signature"] = "0" * 40
                params["signature"] = signature(self.token, ts, nonce)
        resp = await self.client.post("/wechat", params=params, data=body)
        text = await resp.text()
        answer = Answer(resp.status, text)
        if resp.status == 200 and text.startswith("<xml>"):
            answer.fields = _fields(text)
            if "Encrypt" in answer.fields:
                assert self.crypto is not None
                plain = self.crypto.decrypt_message(
                    text,
                    answer.fields["MsgSignature"],
                    answer.fields["TimeStamp"],
                    answer.fields["Nonce"],
                )
                answer.fields = _fields(plain)
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


def _fields(xml: str) -> dict[str, str]:
    root = SafeET.fromstring(xml)
    return {child.tag: child.text or "" for child in root}
