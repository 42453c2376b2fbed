"""Segmentation by jieba's method over its dictionary (nlp/dictionary.py), with every rule word added
so that no rule word is ever split."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from nlp.dictionary import Dictionary
from nlp.normalize import normalize


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    path = Path(base) / "louwu"
    path.mkdir(parents=True, exist_ok=True)
    return path


class Segmenter:
    def __init__(self, words: Iterable[str] = ()) -> None:
        self._dict = Dictionary.load(cache_dir())
        for word in words:
            # A high frequency makes the word win over any split of it.
            self._dict.add(word, max(self._dict.suggest(word), 1000))

    def tokens(self, text: str) -> list[str]:
        """Words of the normalised text, without whitespace and punctuation."""
        return [t for t in self._dict.lcut(normalize(text)) if _is_word(t)]

    def knows(self, word: str) -> bool:
        """Whether `word` is a word of jieba's dictionary (or a rule word)."""
        return (self._dict.freq(word) or 0) > 0


def _is_word(token: str) -> bool:
    return any(ch.isalnum() for ch in token)
