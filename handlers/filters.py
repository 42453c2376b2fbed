"""Filters: small callables that decide whether a handler matches and parse what it needs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from handlers import texts
from handlers.context import HandlerContext
from handlers.events import Event, TextMessage
from handlers.refusals import Refusal
from nlp.normalize import compatible

_NUMBER = re.compile(r"^#?\s*(\d{1,12})$")


def number_in(text: str) -> int | None:
    """`12`, `#12` or `＃１２` as a number; None for anything else."""
    m = _NUMBER.match(compatible(text).strip())
    return int(m.group(1)) if m else None


@dataclass(frozen=True)
class Command:
    """Matches `WORD [args]` (or an alias). Its `words` tell the router which texts to skip it for.

    `args`: 'none', 'text', 'number' (#N), 'optional_number' (WORD or WORD #N), 'number_text' (#N and
    a note; a missing number gives number=None so the handler can say how to write it).
    """

    word: str
    aliases: tuple[str, ...] = ()
    args: str = "none"
    words: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "words", (self.word, *self.aliases))

    def __call__(self, event: Event, ctx: HandlerContext) -> bool | dict[str, Any]:
        if not isinstance(event, TextMessage):
            return False
        text = event.command_text
        if not text.startswith(self.words):  # most messages are complaints: no command word at all
            return False
        for word in self.words:
            if text == word or text.startswith(word + " ") or text.startswith(word + "#"):
                return self._args(text[len(word) :].strip())
            rest = text[len(word) :]
            if text.startswith(word) and self.args not in ("none", "text") and rest[:1].isdigit():
                return self._args(text[len(word) :].strip())
        return False

    def _args(self, rest: str) -> bool | dict[str, Any]:
        if self.args == "none":
            return not rest
        if self.args == "text":
            return {"arg": rest}
        if self.args == "optional_number":
            m = _NUMBER.match(rest)
            return {"number": int(m.group(1))} if m else ({"number": None} if not rest else False)
        if not rest:
            return {"number": None} if self.args == "number" else {"number": None, "note": ""}
        head, _, tail = rest.partition(" ")
        m = _NUMBER.match(head)
        if not m:
            return {"number": None, "note": rest} if self.args == "number_text" else False
        number = int(m.group(1))
        if self.args == "number":
            return {"number": number} if not tail.strip() else False
        return {"number": number, "note": tail.strip()}


_RATINGS = {"1": 1, "2": 2, "3": 3, "满意": 1, "基本满意": 2, "不满意": 3}


@dataclass(frozen=True)
class Rating:
    """A reply of 1/2/3 or 满意/基本满意/不满意 (the rating the bot asks for after resolution)."""

    def __call__(self, event: Event, ctx: HandlerContext) -> bool | dict[str, Any]:
        if not isinstance(event, TextMessage):
            return False
        rating = _RATINGS.get(event.command_text.rstrip("。.!！"))
        return {"rating": rating} if rating else False


@dataclass(frozen=True)
class InStep:
    """The sender is in the middle of a dialogue step (e.g. choosing among buildings)."""

    step: str

    def __call__(self, event: Event, ctx: HandlerContext) -> bool | dict[str, Any]:
        return ctx.reporter.step == self.step


_WORD = re.compile(r"[^\s#＃\d]+")


@dataclass(frozen=True)
class Member:
    """The sender is a committee member: passes them on as `member`. Anyone else is refused, with the
    command word they used, rather than have the command filed as a complaint."""

    def __call__(self, event: Event, ctx: HandlerContext) -> bool | dict[str, Any]:
        if ctx.member is None:
            text = event.command_text if isinstance(event, TextMessage) else ""
            word = m.group(0) if (m := _WORD.match(text)) else text
            raise Refusal(texts.NOT_A_MEMBER.format(word=word))
        return {"member": ctx.member}
