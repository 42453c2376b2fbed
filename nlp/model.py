"""The learned layer: a linear model over TF-IDF character 1–3-grams and words, read from plain numbers.

Training (nlp/train.py) uses scikit-learn and NumPy; using the model needs neither: a serving
process keeps the features in two Aho–Corasick automatons, one IDF weight a feature and one weight a
feature per class (float32 arrays of the standard library), and scores a message with one pass of
the automatons and a sum per class. Words are the longest matches of the words jieba found in the
training examples (`WORD` before each), so serving needs no jieba pass of its own. The body is
gzip'd JSON with the arrays in base64 (class-major), stored in the database like a rule pack and
shipped as the default model."""

from __future__ import annotations

import base64
import gzip
import json
import math
import sys
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter, mul
from typing import NamedTuple

import ahocorasick

from nlp.normalize import normalize

FORMAT = "louwu-linear-1"
_ID = itemgetter(1)  # of the automaton's (end, value) matches
NGRAMS = (1, 2, 3)
WORD = "w:"  # a word feature's prefix, apart from the n-gram of the same characters
# A word's value in the word automaton: (feature id + 1) << _LENGTH_BITS | its length.
_LENGTH_BITS = 8
_LENGTH = (1 << _LENGTH_BITS) - 1


def squeezed(text: str) -> str:
    """The normalised text without spaces (a message has few): what features are read from."""
    return "".join(normalize(text).split())


def features(text: str) -> list[str]:
    """Character 1–3-grams of the normalised text."""
    chars = squeezed(text)
    # Built in C by zip and map over the string, not slice by slice; zip stops at the shortest.
    pairs = zip(chars, chars[1:], strict=False)
    triples = zip(chars, chars[1:], chars[2:], strict=False)
    return [*chars, *map("".join, pairs), *map("".join, triples)]


def word_matcher(words: Iterable[str], ids: Callable[[str], int] = lambda _: -1) -> ahocorasick.Automaton:
    """Leftmost-longest matching of `words`: a segmentation by a fixed word list, done in C. Each word
    holds a C integer, not a Python object: its feature id (`ids`, -1 for none) and its length, so a
    look-up touches no object a forked worker shares with its parent."""
    automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    for word in words:
        if not 0 < len(word) <= _LENGTH:
            raise ValueError(f"a word of {len(word)} characters: 1 to {_LENGTH} expected")
        automaton.add_word(word, (ids(word) + 1) << _LENGTH_BITS | len(word))
    if len(automaton):
        automaton.make_automaton()
    return automaton


def matched_words(chars: str, matcher: ahocorasick.Automaton) -> Iterator[tuple[str, int]]:
    """Each longest match in `chars` (squeezed) with its feature id (-1 for none)."""
    if not len(matcher):
        return
    for end, packed in matcher.iter_long(chars):
        length = packed & _LENGTH
        yield chars[end - length + 1 : end + 1], (packed >> _LENGTH_BITS) - 1


def words_in(text: str, matcher: ahocorasick.Automaton) -> list[str]:
    """The word features of `text`: each longest match of the matcher's words."""
    return [WORD + w for w, _ in matched_words(squeezed(text), matcher)]


class Guess(NamedTuple):
    category: str
    probability: float


class Reading(NamedTuple):
    """What the model made of a message: classes best first, and the features that pushed the best."""

    ranked: tuple[Guess, ...]
    margin: float  # the best class's decision value (above 0: the model is sure of it)
    pushed: tuple[tuple[str, float], ...]
    danger: float | None = None  # the danger head's decision value (above 0: a present danger)

    @property
    def best(self) -> Guess:
        return self.ranked[0]


@dataclass(frozen=True)
class ModelInfo:
    examples: int
    trained_on: str  # where the examples came from, in words


class TextModel:
    """Immutable; `read(text)` is pure. Feature names live only in two automatons (C memory, no Python
    object a feature): a serving process keeps no dictionary of them."""

    def __init__(
        self,
        classes: list[str],
        names: Sequence[str],
        idf: array,
        by_class: list[array],
        intercepts: list[float],
        info: ModelInfo,
        danger: tuple[array, float] | None = None,
        words: tuple[str, ...] = (),
    ) -> None:
        self.classes = classes
        self.idf = idf
        self.by_class = by_class  # one weight a feature, per class
        self.intercepts = intercepts
        self.info = info
        # A second head over the same features: present danger or not (weights, bias).
        self.danger = danger
        self.words = words  # the segmentation's word list: more than the vocabulary's word features
        word_ids = {name.removeprefix(WORD): i for i, name in enumerate(names) if name.startswith(WORD)}
        if missing := word_ids.keys() - set(words):
            raise ValueError(f"word features missing from the word list: {sorted(missing)[:5]}")
        self._matcher = word_matcher(words, lambda w: word_ids.get(w, -1))
        # Every known n-gram in one automaton: a pass over the text counts them all in C, with no
        # string made for each of the ~500 n-grams of a long message.
        self._grams = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        for i, gram in enumerate(names):
            if not gram.startswith(WORD):
                self._grams.add_word(gram, i)
        if len(self._grams):
            self._grams.make_automaton()

    @property
    def feature_count(self) -> int:
        return len(self.idf)

    def feature_id(self, name: str) -> int | None:
        """The id of a feature by name (an n-gram, or WORD + a word), or None."""
        if name.startswith(WORD):
            packed = self._matcher.get(name.removeprefix(WORD), 0) if len(self._matcher) else 0
            i = (packed >> _LENGTH_BITS) - 1
        else:
            i = self._grams.get(name, -1) if len(self._grams) else -1
        return i if i >= 0 else None

    def feature_names(self) -> list[str]:
        """Every feature's name in id order, read back from the automatons (for admins and dumps)."""
        names = [""] * self.feature_count
        for gram, i in self._grams.items() if len(self._grams) else ():
            names[i] = gram
        for word, packed in self._matcher.items() if len(self._matcher) else ():
            if (i := (packed >> _LENGTH_BITS) - 1) >= 0:
                names[i] = WORD + word
        return names

    def _vector(self, text: str) -> tuple[list[int], list[float]]:
        """The known features' ids and their TF-IDF values (sublinear tf, l2-normalised)."""
        chars = squeezed(text)
        counts = Counter(map(_ID, self._grams.iter(chars))) if len(self._grams) else Counter[int]()
        counts.update(i for _, i in matched_words(chars, self._matcher) if i >= 0)
        ids = list(counts)
        idf = self.idf
        values = [idf[i] if n == 1 else (1.0 + math.log(n)) * idf[i] for i, n in counts.items()]
        norm = math.hypot(*values) or 1.0
        return ids, [v / norm for v in values]

    def read(self, text: str, explain: bool = False) -> Reading:
        ids, values = self._vector(text)
        weights = _gather(ids)
        # One gather and one sum of products per class, both in C: a few hundred features each.
        scores = [
            b + sum(map(mul, weights(w), values)) for w, b in zip(self.by_class, self.intercepts, strict=True)
        ]
        danger = None
        if self.danger is not None:
            w, bias = self.danger
            danger = bias + sum(map(mul, weights(w), values))
        # A softmax of the margins, so people see shares that add up to 1 (not calibrated odds).
        top = max(scores)
        exps = [math.exp(3.0 * (s - top)) for s in scores]
        total = sum(exps)
        order = sorted(range(len(scores)), key=lambda c: -scores[c])
        ranked = tuple(Guess(self.classes[c], exps[c] / total) for c in order)
        pushed = self._pushed(text, order[0]) if explain else ()
        return Reading(ranked, scores[order[0]], pushed, danger)

    def _pushed(self, text: str, c: int, limit: int = 8) -> tuple[tuple[str, float], ...]:
        """The features that pushed class `c` hardest; a word and the n-gram of its characters as one."""
        chars = squeezed(text)
        names = {i: f for f in set(features(text)) if (i := self.feature_id(f)) is not None}
        names.update((i, w) for w, i in matched_words(chars, self._matcher) if i >= 0)
        ids, values = self._vector(text)
        w = self.by_class[c]
        pushes: Counter[str] = Counter()
        for i, v in zip(ids, values, strict=True):
            pushes[names[i]] += v * w[i]
        return tuple((name, round(x, 3)) for name, x in pushes.most_common(limit) if x > 0)

    def dumps(self) -> bytes:
        body = {
            "format": FORMAT,
            "classes": self.classes,
            "features": "\n".join(self.feature_names()),
            "idf": _b64(self.idf),
            "weights": _b64(array("f", b"".join(_le(w) for w in self.by_class))),
            "intercepts": self.intercepts,
            "danger": _b64(self.danger[0]) if self.danger else None,
            "danger_bias": self.danger[1] if self.danger else None,
            "words": "\n".join(self.words),
            "examples": self.info.examples,
            "trained_on": self.info.trained_on,
        }
        return gzip.compress(json.dumps(body, ensure_ascii=False).encode(), 6)


def _gather(ids: list[int]) -> Callable[[array], Sequence[float]]:
    """The weights of `ids` from a class's array, as one C call (itemgetter), a third faster than a
    look-up per id; itemgetter of one id gives a number, of none fails, so those two are spelled out."""
    if len(ids) > 1:
        return itemgetter(*ids)
    return lambda w: [w[i] for i in ids]


def _le(values: array) -> bytes:
    """Little-endian float32 bytes, whatever the machine's order."""
    if sys.byteorder == "little":
        return values.tobytes()
    swapped = array("f", values)
    swapped.byteswap()
    return swapped.tobytes()


def _b64(values: array) -> str:
    return base64.b64encode(_le(values)).decode()


def _array(text: str) -> array:
    values = array("f", base64.b64decode(text))
    if sys.byteorder != "little":
        values.byteswap()
    return values


class ModelError(ValueError):
    pass


def loads(blob: bytes) -> TextModel:
    try:
        body = json.loads(gzip.decompress(blob))
    except (OSError, ValueError) as exc:
        raise ModelError(f"not a louwu model: {exc}") from None
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise ModelError(f"not a louwu model of format {FORMAT}")
    try:
        names, classes = body["features"].split("\n"), list(body["classes"])
        idf, weights = _array(body["idf"]), _array(body["weights"])
        info = ModelInfo(int(body["examples"]), str(body["trained_on"]))
        intercepts = [float(b) for b in body["intercepts"]]
        danger = (_array(body["danger"]), float(body["danger_bias"])) if body.get("danger") else None
        words = tuple(w for w in str(body.get("words") or "").split("\n") if w)
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"a louwu model with a missing or broken part: {exc}") from None
    n = len(names)
    if len(weights) != n * len(classes) or len(idf) != n or len(intercepts) != len(classes):
        raise ModelError("a model whose weights do not match its features")
    if danger is not None and len(danger[0]) != n:
        raise ModelError("a model whose weights do not match its features")
    by_class = [weights[c * n : (c + 1) * n] for c in range(len(classes))]
    try:
        return TextModel(classes, names, idf, by_class, intercepts, info, danger, words)
    except ValueError as exc:
        raise ModelError(f"a louwu model with a broken word list: {exc}") from None
