"""The learned layer: a linear model over TF-IDF character 1–3-grams, read from plain numbers.

Training (nlp/train.py) uses scikit-learn; using the model does not: a serving process keeps a
vocabulary, one IDF weight and one row of class weights a feature (NumPy arrays of float32), and
scores a message with a dictionary look-up per n-gram and one small product. The body is gzip'd
JSON with the arrays in base64, stored in the database like a rule pack and shipped as the default
model."""

from __future__ import annotations

import base64
import gzip
import json
from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from nlp.normalize import normalize

FORMAT = "louwu-linear-1"
NGRAMS = (1, 2, 3)


def features(text: str) -> list[str]:
    """Character 1–3-grams of the normalised text, spaces dropped (a message has few)."""
    chars = "".join(normalize(text).split())
    return [chars[i : i + n] for n in NGRAMS for i in range(len(chars) - n + 1)]


class Guess(NamedTuple):
    category: str
    probability: float


class Reading(NamedTuple):
    """What the model made of a message: classes best first, and the features that pushed the best."""

    ranked: tuple[Guess, ...]
    margin: float  # the best class's decision value (above 0: the model is sure of it)
    pushed: tuple[tuple[str, float], ...]

    @property
    def best(self) -> Guess:
        return self.ranked[0]


@dataclass(frozen=True)
class ModelInfo:
    examples: int
    trained_on: str  # where the examples came from, in words


class TextModel:
    """Immutable; `read(text)` is pure."""

    def __init__(
        self,
        classes: list[str],
        vocabulary: dict[str, int],
        idf: np.ndarray,
        weights: np.ndarray,
        intercepts: np.ndarray,
        info: ModelInfo,
    ) -> None:
        self.classes = classes
        self.vocabulary = vocabulary
        self.idf = idf.astype(np.float32)
        self.weights = weights.astype(np.float32).reshape(len(vocabulary), len(classes))
        self.intercepts = intercepts.astype(np.float32)
        self.info = info

    def _vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The known n-grams' ids and their TF-IDF values (sublinear tf, l2-normalised)."""
        get = self.vocabulary.get
        counts = Counter(i for f in features(text) if (i := get(f)) is not None)
        ids = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        values = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float32, count=len(counts)))) * self.idf[
            ids
        ]
        norm = float(np.sqrt(values @ values)) or 1.0
        return ids, values / norm

    def decision(self, text: str) -> np.ndarray:
        ids, values = self._vector(text)
        return values @ self.weights[ids] + self.intercepts

    def read(self, text: str, explain: bool = False) -> Reading:
        scores = self.decision(text)
        # A softmax of the margins, so people see shares that add up to 1 (not calibrated odds).
        exps = np.exp(3.0 * (scores - scores.max()))
        shares = exps / exps.sum()
        order = np.argsort(-scores)
        ranked = tuple(Guess(self.classes[c], float(shares[c])) for c in order)
        pushed = self._pushed(text, int(order[0])) if explain else ()
        return Reading(ranked, float(scores[order[0]]), pushed)

    def _pushed(self, text: str, c: int, limit: int = 8) -> tuple[tuple[str, float], ...]:
        names = {i: f for f in set(features(text)) if (i := self.vocabulary.get(f)) is not None}
        ids, values = self._vector(text)
        parts = sorted(
            zip(ids.tolist(), (values * self.weights[ids, c]).tolist(), strict=True), key=lambda p: -p[1]
        )
        return tuple((names[i], round(x, 3)) for i, x in parts[:limit] if x > 0)

    def dumps(self) -> bytes:
        body = {
            "format": FORMAT,
            "classes": self.classes,
            "features": "\n".join(sorted(self.vocabulary, key=self.vocabulary.__getitem__)),
            "idf": _b64(self.idf),
            "weights": _b64(self.weights),
            "intercepts": self.intercepts.tolist(),
            "examples": self.info.examples,
            "trained_on": self.info.trained_on,
        }
        return gzip.compress(json.dumps(body, ensure_ascii=False).encode(), 6)


def _b64(values: np.ndarray) -> str:
    return base64.b64encode(values.astype("<f4").tobytes()).decode()


def _array(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<f4")


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
        intercepts = np.asarray(body["intercepts"], dtype=np.float32)
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"a louwu model with a missing or broken part: {exc}") from None
    if len(weights) != len(names) * len(classes) or len(idf) != len(names) or len(intercepts) != len(classes):
        raise ModelError("a model whose weights do not match its features")
    return TextModel(classes, {f: i for i, f in enumerate(names)}, idf, weights, intercepts, info)
