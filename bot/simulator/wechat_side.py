"""WeChat's side of the callback, played for real: message XML built, signed and (in safe mode)
encrypted with wechatpy, and the passive reply read back. The simulator and the tests both use it."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

import defusedxml.ElementTree as SafeET
from wechatpy.crypto import WeChatCrypto

from bot.wechat.verify import signature

ACCOUNT = "gh_louwu_demo"
_ids = itertools.count(7_000_000_000_000_000_001)
_nonces = itertools.count(1)


@dataclass(frozen=True)
class Envelope:
    """What WeChat POSTs: the query string and the body."""

    params: dict[str, str]
    body: str


def message_xml(
    openid: str, msg_type: str, created: int, msg_id: int | None = None, **fields: Any
) -> tuple[str, int | None]:
    """A user's message as WeChat writes it; events have no MsgId. Returns the XML and the MsgId."""
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
    return "<xml>" + "".join(parts) + "</xml>", msg_id


def sign(
    xml: str, token: str, timestamp: int, crypto: WeChatCrypto | None = None, nonce: str | None = None
) -> Envelope:
    """Sign `xml` as WeChat does, and wrap it in the `Encrypt` envelope when `crypto` is given."""
    ts, nonce = str(timestamp), nonce or f"n{next(_nonces)}"
    params = {"timestamp": ts, "nonce": nonce, "signature": signature(token, ts, nonce)}
    if crypto is None:
        return Envelope(params, xml)
    sealed = xml_fields(crypto.encrypt_message(xml, nonce, ts))
    body = (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
        f"<Encrypt><![CDATA[{sealed['Encrypt']}]]></Encrypt></xml>"
    )
    params |= {"encrypt_type": "aes", "msg_signature": sealed["MsgSignature"]}
    return Envelope(params, body)


def read_reply(text: str, crypto: WeChatCrypto | None = None) -> dict[str, str]:
    """The fields of a passive reply (decrypted in safe mode); empty for `success` or an empty body."""
    if not text.startswith("<xml>"):
        return {}
    fields = xml_fields(text)
    if "Encrypt" in fields and crypto is not None:
        plain = crypto.decrypt_message(text, fields["MsgSignature"], fields["TimeStamp"], fields["Nonce"])
        fields = xml_fields(plain)
    return fields


def xml_fields(xml: str) -> dict[str, str]:
    root = SafeET.fromstring(xml)
    return {child.tag: child.text or "" for child in root}
