"""Normalise what people type: full-width to half-width, traditional to simplified, lower case,
no control characters, so that one rule word matches every way of writing it."""

from __future__ import annotations

import functools
import json
import unicodedata

from nlp.package_data import package_file

# Zero-width and direction marks people paste from other apps; they would split rule words.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f"), None)


@functools.cache
def _traditional_to_simplified() -> dict[int, str]:
    traditional, simplified = _single_characters()
    # Built once zhconv's parsed data is gone, so the table's objects take the place it left instead
    # of pinning its memory: ~9 MiB of a process, a JSON parse of every locale's tables.
    return dict(zip(map(ord, traditional), simplified, strict=True))


def _single_characters() -> tuple[str, str]:
    """zhconv's one-character traditional → simplified pairs, as two strings, read straight from its
    data file: its own loader keeps every locale's tables for the life of the process, and importing
    it brings pkg_resources (~5 MiB)."""
    data = json.loads(package_file("zhconv", "zhcdict.json").read_bytes())
    pairs = [(k, v) for k, v in data["zh2Hans"].items() if len(k) == 1 and len(v) == 1]
    return "".join(k for k, _ in pairs), "".join(v for _, v in pairs)


@functools.cache
def _compatibility() -> dict[int, str]:
    """NFKC of each character of the Basic Multilingual Plane that it changes, taken alone:
    full-width forms, circled and superscript digits, ligatures, compatibility ideographs."""
    table = {}
    for code in range(0x10000):
        if 0xD800 <= code < 0xE000:
            continue  # surrogates
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char)
        if folded != char:
            table[code] = folded
    return table


@functools.cache
def _table() -> dict[int, str | None]:
    """Compatibility forms, then traditional to simplified, then invisible marks, as one table."""
    simplified = {**_traditional_to_simplified(), **_INVISIBLE}
    table: dict[int, str | None] = dict(simplified)
    for code, folded in _compatibility().items():
        table[code] = "".join(simplified.get(ord(c), c) or "" for c in folded)
    return table


def compatible(text: str) -> str:
    """NFKC character by character: what phones type in full width becomes plain. A whole-string
    NFKC also composes accents with their letters, which no rule word or command needs, and costs
    twenty times as much on Chinese text (tests/nlp/test_normalize.py holds the two alike)."""
    return text if text.isascii() else text.translate(_compatibility())


def normalize(text: str) -> str:
    """Return the form rules are matched against; the stored text is never altered."""
    text = text.translate(_table()).lower()
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else " " for ch in text)
