"""Training the learned layer with scikit-learn: TF-IDF over character 1–3-grams and the words jieba
finds in the examples, with a linear SVM, exported to the plain numbers nlp/model.py reads. Also the
shipped examples it learns from first."""

from __future__ import annotations

import csv
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

import numpy as np

from nlp.evaluate import Example
from nlp.model import ModelInfo, TextModel, features, word_matcher, words_in
from nlp.segment import Segmenter

EXAMPLES_FILE = "examples.csv"  # nlp/data: office workers' dev rows and louwu's own, labelled
URGENT_FILE = "urgent_examples.csv"


@dataclass(frozen=True)
class Danger:
    """A message marked as a present danger or not, for the model's danger head."""

    text: str
    urgent: bool


def shipped_examples() -> list[Example]:
    with resources.files("nlp").joinpath("data", EXAMPLES_FILE).open(encoding="utf-8") as f:
        return [Example(r["text"], r["label"]) for r in csv.DictReader(f) if r["text"].strip()]


def shipped_dangers() -> list[Danger]:
    """The urgent column of the examples, and messages written for the danger head alone."""
    out = []
    for name in (EXAMPLES_FILE, URGENT_FILE):
        with resources.files("nlp").joinpath("data", name).open(encoding="utf-8") as f:
            out += [Danger(r["text"], r["urgent"] == "1") for r in csv.DictReader(f) if r["text"].strip()]
    return out


def train(
    examples: Iterable[Example],
    trained_on: str,
    dangers: Iterable[Danger] = (),
    c: float = 0.5,
    min_df: int = 1,
) -> TextModel:
    """A model of every label among the examples (at least two), with a danger head when `dangers`
    holds both kinds; both read the same n-grams, so a message is vectorised once."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    rows, marked = list(examples), list(dangers)
    labels = sorted({e.label for e in rows})
    if len(labels) < 2:
        raise ValueError(f"training needs examples of at least two categories, got {labels}")
    words = _words(e.text for e in rows)
    matcher = word_matcher(words)
    vectorizer = TfidfVectorizer(
        analyzer=lambda t: features(t) + words_in(t, matcher), sublinear_tf=True, min_df=min_df
    )
    x = vectorizer.fit_transform([e.text for e in rows])
    svm = LinearSVC(C=c).fit(x, [e.label for e in rows])
    coef, intercepts = svm.coef_, svm.intercept_
    if len(labels) == 2:  # one row for the second class: its mirror scores the first
        coef, intercepts = np.vstack([-coef[0], coef[0]]), np.array([-intercepts[0], intercepts[0]])
    names = vectorizer.get_feature_names_out()
    return TextModel(
        [str(c) for c in svm.classes_],
        [str(f) for f in names],
        _floats(vectorizer.idf_),
        [_floats(row) for row in coef],
        [float(b) for b in intercepts],
        ModelInfo(len(rows), trained_on),
        _danger_head(vectorizer, marked, c),
        words,
    )


def _words(texts: Iterable[str]) -> tuple[str, ...]:
    """Every word of two characters or more that jieba finds in the examples, in a stable order."""
    seg = Segmenter()
    return tuple(sorted({w for t in texts for w in seg.tokens(t) if len(w) >= 2}))


def _danger_head(vectorizer: object, marked: list[Danger], c: float) -> tuple[array, float] | None:
    from sklearn.svm import LinearSVC

    if len({d.urgent for d in marked}) < 2:
        return None
    x = vectorizer.transform([d.text for d in marked])  # type: ignore[attr-defined]
    # Dangers are rare: weigh them up, so a few dozen are heard among hundreds of calm messages.
    svm = LinearSVC(C=c, class_weight="balanced").fit(x, [d.urgent for d in marked])
    return _floats(svm.coef_[0]), float(svm.intercept_[0])


def _floats(values: np.ndarray) -> array:
    return array("f", np.asarray(values, dtype=np.float32).tobytes())


def main() -> None:
    """Rebuild the shipped model from the shipped examples: `python -m nlp.train OUT`."""
    import sys

    out = sys.argv[1] if len(sys.argv) > 1 else "nlp/data/default_model.json.gz"
    rows, dangers = shipped_examples(), shipped_dangers()
    model = train(rows, f"{len(rows)} shipped examples, {len(dangers)} marked for danger", dangers)
    with open(out, "wb") as f:
        f.write(model.dumps())
    print(f"{out}: {model.feature_count} features, {len(model.classes)} categories")  # noqa: T201


if __name__ == "__main__":
    main()
