"""What a handler answers: a passive text reply, or nothing (WeChat then shows no message)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TextReply:
    text: str


@dataclass(frozen=True)
class NoReply:
    pass


Reply = TextReply | NoReply
NO_REPLY = NoReply()
