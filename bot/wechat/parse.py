"""Inbound XML to our event types, parsed safely: no DTDs, no entities (defusedxml's rules)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from xml.etree.ElementTree import Element
from xml.etree.ElementTree import ParseError as _ExpatError
from xml.etree.ElementTree import fromstring as _plain_fromstring

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from handlers.events import (
    Event,
    ImageMessage,
    LocationMessage,
    MenuClick,
    Scan,
    Subscribe,
    TextMessage,
    Unknown,
    Unsubscribe,
    VoiceMessage,
)

QR_PREFIX = "qrscene_"


class BadMessage(Exception):
    """Not a WeChat message we can read; answered 400."""


def xml_fields(body: bytes | str) -> dict[str, str]:
    """The flat <xml><Name>value</Name>…</xml> of WeChat, as a dict; nested content is ignored."""
    root = _without_declarations(body) or _defused(body)
    if root.tag != "xml":
        raise BadMessage("root element is not <xml>")
    return {child.tag: (child.text or "") for child in root}


def _without_declarations(body: bytes | str) -> Element | None:
    """The common case, parsed by the C parser: UTF-8 text with no markup declaration at all.

    Entities need a DTD, and a DTD needs `<!`; WeChat's messages carry `<!` only to open CDATA
    sections. Parsing text (not bytes) makes expat ignore any encoding the document claims, so no
    other encoding can hide a `<!` from this check. Anything else goes to defusedxml (None here).
    """
    try:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
    except UnicodeDecodeError:
        return None
    if text.count("<!") != text.count("<![CDATA["):
        return None
    try:
        return _plain_fromstring(text)  # noqa: S314 - no DTD, so no entity, can reach this parser
    except _ExpatError:
        return None  # defusedxml gives the verdict and the error


def _defused(body: bytes | str) -> Element:
    try:
        return SafeET.fromstring(body, forbid_dtd=True)
    except (DefusedXmlException, _ExpatError, ValueError) as exc:
        raise BadMessage(f"unreadable XML: {type(exc).__name__}") from None


def to_event(fields: dict[str, str]) -> Event:
    try:
        openid = fields["FromUserName"]
        created = dt.datetime.fromtimestamp(int(fields["CreateTime"]), dt.UTC)
        msg_type = fields["MsgType"].strip().lower()
    except KeyError as exc:
        raise BadMessage(f"missing <{exc.args[0]}>") from None
    except (ValueError, OverflowError, OSError):
        raise BadMessage("CreateTime is not a timestamp") from None
    if not openid or len(openid) > 64:
        raise BadMessage("FromUserName is empty or too long")
    msg_id = _msg_id(fields.get("MsgId"))
    if msg_type == "event":
        return _event(fields, openid, created)
    build = _MESSAGES.get(msg_type)
    if build is None:
        return Unknown(openid, created, msg_id, type=msg_type[:32])
    return build(fields, openid, created, msg_id)


def _msg_id(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        raise BadMessage("MsgId is not a number") from None


def _event(fields: dict[str, str], openid: str, created: dt.datetime) -> Event:
    name = fields.get("Event", "").strip()
    key = fields.get("EventKey", "").strip()
    lowered = name.lower()
    if lowered == "subscribe":
        scene = key[len(QR_PREFIX) :] if key.startswith(QR_PREFIX) else ""
        return Subscribe(openid, created, None, scene=scene)
    if lowered == "unsubscribe":
        return Unsubscribe(openid, created, None)
    if lowered == "scan":
        return Scan(openid, created, None, scene=key)
    if lowered == "click":
        return MenuClick(openid, created, None, key=key)
    return Unknown(openid, created, None, type=f"event:{lowered[:26]}")


def _text(f: dict[str, str], openid: str, created: dt.datetime, msg_id: int | None) -> Event:
    return TextMessage(openid, created, msg_id, text=f.get("Content", ""))


def _image(f: dict[str, str], openid: str, created: dt.datetime, msg_id: int | None) -> Event:
    return ImageMessage(openid, created, msg_id, url=f.get("PicUrl", ""), media_id=f.get("MediaId", ""))


def _voice(f: dict[str, str], openid: str, created: dt.datetime, msg_id: int | None) -> Event:
    return VoiceMessage(
        openid, created, msg_id, media_id=f.get("MediaId", ""), recognition=f.get("Recognition", "")
    )


def _location(f: dict[str, str], openid: str, created: dt.datetime, msg_id: int | None) -> Event:
    try:
        lat, lon = float(f.get("Location_X", "0")), float(f.get("Location_Y", "0"))
    except ValueError:
        raise BadMessage("Location_X/Location_Y are not numbers") from None
    return LocationMessage(openid, created, msg_id, latitude=lat, longitude=lon, label=f.get("Label", ""))


_MESSAGES: dict[str, Callable[[dict[str, str], str, dt.datetime, int | None], Event]] = {
    "text": _text,
    "image": _image,
    "voice": _voice,
    "location": _location,
}
