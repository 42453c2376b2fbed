"""Filters: small callables that decide whether a handler matches and parse what it needs."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from handlers.context import HandlerContext
from handlers.events import Event, TextMessage

_NUMBER = re.compile(r"^#?\s*(\d{1,12})$")


def _clean(text: str) -> str:
    # Full-width digits, letters and '#' typed on phones become their ASCII forms.
    return unicodedata.normalize("NFKC", text).strip()


@dataclass(frozen=True)
class Command:
    """Matches `WORD [args]` (or an alias); `args` is 'none', 'number', 'number_text' or 'text'."""

    word: str
    aliases: tuple[str, ...] = ()
    args: str = "none"
    words: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "words", (self.word, *self.aliases))

    def __call__(self, event: Event, ctx: HandlerContext) -> bool | dict[str, Any]:
        if not isinstance(event, TextMessage):
            return False
        text = _clean(event.text)
        for word in self.words:
            if text == word or text.startswith(word + " ") or text.startswith(word + "#"):
                return self._args(text[len(word) :].strip())
            if text.startswith(word) and self.args != "none" and _NUMBER.match(text[len(word) :]):
                return self._args(text[len(word) :].strip())
        return False

    def _args(self, rest: str) -> bool | dict[str, Any]:
        if self.args == "none":
            return not rest
        if self.args == "text":
            return {"arg": rest}
        head, _, tail = rest.partition(" ")
        m = _NUMBER.match(head)
        if not m:
            return {"number": None, "note": rest} if self.args == "number_text" else False
        number = int(m.group(1))
        if self.args == "number":
            return {"number": number} if not tail.strip() else False
        return {"number": number, "note": tail.strip()}
