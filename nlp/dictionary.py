"""jieba's dictionary as a compact trie, and segmentation by jieba's method over it: the most probable
path through the dictionary's words (jieba's `lcut(text, HMM=False)`, word for word).

jieba keeps its dictionary as a Python dict of every word and every prefix of one: about 60 MiB in
each process. Here the words are a MARISA trie and their frequencies an array, both written once to
the cache directory and mapped from there, so they take a few MiB that every process shares.
"""

from __future__ import annotations

import mmap
import os
import re
import tempfile
from array import array
from math import log
from pathlib import Path

import marisa_trie

from nlp.package_data import package_file

# jieba's own patterns: runs of these characters are segmented, everything else goes one by one.
_HAN = re.compile("([\u4e00-\u9fd5a-zA-Z0-9+#&\\._%\\-]+)")
_SKIP = re.compile("(\r\n|\\s)")
_ENG = re.compile("[a-zA-Z0-9]")
FORMAT = 1  # of the cached files: a change of layout takes a new name


def jieba_dictionary() -> Path:
    """jieba's dict.txt, found without importing jieba (9 MiB of HMM tables that louwu never uses)."""
    return package_file("jieba", "dict.txt")


class Dictionary:
    """Words and their frequencies; words added in this process (rule words) override the file's."""

    def __init__(self, trie: marisa_trie.Trie, freqs: memoryview, total: int, longest: int) -> None:
        self._trie = trie
        self._freqs = freqs  # by the trie's key id
        self.total = total
        self._longest = longest
        self._added: dict[str, int] = {}
        self._added_prefixes: set[str] = set()
        self._added_first: set[str] = set()
        self._added_longest = 0

    @classmethod
    def load(cls, cache_dir: Path, source: Path | None = None) -> Dictionary:
        source = source or jieba_dictionary()
        stat = source.stat()
        base = cache_dir / f"words-{FORMAT}-{stat.st_size}-{int(stat.st_mtime)}"
        trie_file, freq_file = base.with_suffix(".marisa"), base.with_suffix(".freq")
        if not (trie_file.exists() and freq_file.exists()):
            _build(source, trie_file, freq_file)
        trie = marisa_trie.Trie()
        trie.mmap(str(trie_file))
        with freq_file.open("rb") as f:
            mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        header = memoryview(mapped)[:16].cast("Q")
        total, longest = header[0], header[1]
        return cls(trie, memoryview(mapped)[16:].cast("I"), total, longest)

    def freq(self, word: str, default: int | None = None) -> int | None:
        """jieba's FREQ.get(word, default): 0 for a prefix of a word that is no word itself."""
        if word in self._added:
            return self._added[word]
        key = self._trie.get(word)
        if key is not None:
            return self._freqs[key]
        if word in self._added_prefixes or next(self._trie.iterkeys(word), None) is not None:
            return 0
        return default

    def add(self, word: str, freq: int) -> None:
        """jieba's add_word: the word, with this frequency, counted in the total."""
        self._added[word] = freq
        self.total += freq
        self._added_longest = max(self._added_longest, len(word))
        self._added_first.add(word[:1])
        self._added_prefixes.update(word[:i] for i in range(1, len(word)))

    def suggest(self, word: str) -> int:
        """jieba's suggest_freq(word): a frequency high enough to keep `word` whole."""
        p = 1.0
        for seg in self.lcut(word):
            p *= (self.freq(seg, 1) or 0) / self.total
        return max(int(p * self.total) + 1, self.freq(word, 1) or 0)

    def lcut(self, text: str) -> list[str]:
        out: list[str] = []
        for block in _HAN.split(text):
            if not block:
                continue
            if _HAN.match(block):
                out += self._cut(block)
                continue
            for piece in _SKIP.split(block):
                if _SKIP.match(piece):
                    out.append(piece)
                else:
                    out.extend(piece)
        return out

    def _cut(self, block: str) -> list[str]:
        n, logtotal = len(block), log(self.total)
        route: list[tuple[float, int]] = [(0.0, 0)] * (n + 1)
        for i in range(n - 1, -1, -1):
            route[i] = max(
                (log(f or 1) - logtotal + route[end + 1][0], end) for end, f in self._words_at(block, i)
            )
        out: list[str] = []
        letters, i = "", 0
        while i < n:
            end = route[i][1] + 1
            word = block[i:end]
            if len(word) == 1 and _ENG.match(word):
                letters += word  # single letters and digits in a row stay one token, as in jieba
            else:
                if letters:
                    out.append(letters)
                    letters = ""
                out.append(word)
            i = end
        if letters:
            out.append(letters)
        return out

    def _words_at(self, block: str, i: int) -> list[tuple[int, int | None]]:
        """(end index, frequency) of every word starting at `i`; the character alone if none."""
        freqs, start = self._freqs, i - 1
        found = [
            (start + len(w), f)
            for w, key in self._trie.iter_prefixes_with_ids(block[i : i + self._longest])
            if (f := freqs[key])
        ]
        if block[i] in self._added_first:
            ends = dict(found)
            for end in range(i, min(len(block), i + self._added_longest)):
                f = self._added.get(block[i : end + 1])
                if f is not None:
                    ends[end] = f  # an added word's frequency replaces the file's, as in jieba
            found = [(end, f) for end, f in ends.items() if f]
        return found or [(i, self.freq(block[i], 1))]


def _build(source: Path, trie_file: Path, freq_file: Path) -> None:
    """Read dict.txt as jieba does (the last line of a word wins; every line counts in the total)."""
    freqs: dict[str, int] = {}
    total = 0
    with source.open(encoding="utf-8") as f:
        for line in f:
            word, freq = line.split(" ")[:2]
            freqs[word] = int(freq)
            total += int(freq)
    trie = marisa_trie.Trie(freqs)
    by_id = array("I", bytes(4 * len(trie)))
    for word, key in trie.iteritems():
        by_id[key] = freqs[word]
    header = array("Q", [total, max(map(len, freqs))])
    # Several processes may start at once: each writes its own file and renames it into place.
    _write(trie_file, trie.tobytes())
    _write(freq_file, header.tobytes() + by_id.tobytes())


def _write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(tmp, path)
