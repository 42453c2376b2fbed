"""Normalise what people type: full-width to half-width, traditional to simplified, lower case,
no control characters, so that one rule word matches every way of writing it."""

from __future__ import annotations

import functools
import unicodedata
import warnings

# Zero-width and direction marks people paste from other apps; they would split rule words.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f"), None)


@functools.cache
def _traditional_to_simplified() -> dict[int, str]:
    from zhconv import zhconv

    with warnings.catch_warnings():
        # zhconv opens its dictionary without closing it.
        warnings.simplefilter("ignore", ResourceWarning)
        table = zhconv.getdict("zh-hans")
    single = {ord(k): v for k, v in table.items() if len(k) == 1 and len(v) == 1}
    single.update(_INVISIBLE)
    return single


def normalize(text: str) -> str:
    """Return the form rules are matched against; the stored text is never altered."""
    text = unicodedata.normalize("NFKC", text).translate(_traditional_to_simplified()).lower()
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else " " for ch in text)
