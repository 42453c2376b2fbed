"""Segmentation with a jieba Tokenizer of our own (not jieba's global one), whose user dictionary
holds every rule word so no rule word is ever split; jieba's on-disk cache makes warm starts fast."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from pathlib import Path

import jieba

from nlp.normalize import normalize

jieba.setLogLevel(logging.WARNING)


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    path = Path(base) / "louwu"
    path.mkdir(parents=True, exist_ok=True)
    return path


class Segmenter:
    def __init__(self, words: Iterable[str] = (), hmm: bool = False) -> None:
        self._tok = jieba.Tokenizer()
        self._tok.tmp_dir = str(cache_dir())
        self._hmm = hmm
        self._tok.initialize()
        for word in words:
            # A high frequency makes the word win over any split of it.
            self._tok.add_word(word, freq=max(self._tok.suggest_freq(word), 1000))

    def tokens(self, text: str) -> list[str]:
        """Words of the normalised text, without whitespace and punctuation."""
        return [t for t in self._tok.lcut(normalize(text), HMM=self._hmm) if _is_word(t)]

    def knows(self, word: str) -> bool:
        """Whether `word` is a word of jieba's dictionary (or a rule word)."""
        return self._tok.FREQ.get(word, 0) > 0


def _is_word(token: str) -> bool:
    return any(ch.isalnum() for ch in token)
