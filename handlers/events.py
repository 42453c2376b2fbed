"""What WeChat tells us, as our own frozen types: tests build them in one line, handlers match on them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from nlp.normalize import compatible


@dataclass(frozen=True)
class Event:
    openid: str
    created_at: dt.datetime
    # WeChat's MsgId for messages; None for events (wechatpy reports 0 for them: never key on it).
    msg_id: int | None
    # Which of WeChat's customer-service windows this inbound opens: "message" (5 sends in 48 h),
    # "event" (3 sends in a minute: subscribe, scan, menu click) or none.
    window: ClassVar[str | None] = None

    @property
    def dedup_key(self) -> str:
        """WeChat's retries of one delivery share this key; different deliveries never do."""
        if self.msg_id:
            return f"msg:{self.msg_id}"
        stamp = int(self.created_at.timestamp())
        return f"evt:{self.openid}:{stamp}:{self.kind}"

    @property
    def kind(self) -> str:
        return type(self).__name__


@dataclass(frozen=True)
class TextMessage(Event):
    window: ClassVar[str | None] = "message"
    text: str

    @property
    def command_text(self) -> str:
        """The text as commands are matched: full-width digits, letters and '#' typed on phones as
        ASCII, no surrounding space (one translate pass: cheaper than caching it)."""
        return compatible(self.text).strip()


@dataclass(frozen=True)
class ImageMessage(Event):
    window: ClassVar[str | None] = "message"
    url: str
    media_id: str


@dataclass(frozen=True)
class VoiceMessage(Event):
    window: ClassVar[str | None] = "message"
    media_id: str
    # WeChat's speech recognition, when the account has it on; empty otherwise.
    recognition: str


@dataclass(frozen=True)
class LocationMessage(Event):
    window: ClassVar[str | None] = "message"
    latitude: float
    longitude: float
    label: str


@dataclass(frozen=True)
class Subscribe(Event):
    window: ClassVar[str | None] = "event"
    # The scene of a parametric QR code (without "qrscene_"), or "" for a plain follow.
    scene: str


@dataclass(frozen=True)
class Unsubscribe(Event):
    pass


@dataclass(frozen=True)
class Scan(Event):
    window: ClassVar[str | None] = "event"
    scene: str


@dataclass(frozen=True)
class MenuClick(Event):
    window: ClassVar[str | None] = "event"
    key: str


@dataclass(frozen=True)
class Unknown(Event):
    """Any message or event type louwu does not handle (video, link, file, view …)."""

    type: str

    @property
    def kind(self) -> str:
        return f"Unknown:{self.type}"
