"""Training the learned layer with scikit-learn: TF-IDF over character 1–3-grams and a linear SVM,
exported to the plain numbers nlp/model.py reads. Also the shipped examples it learns from first."""

from __future__ import annotations

import csv
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

import numpy as np

from nlp.model import ModelInfo, TextModel, features

EXAMPLES_FILE = "examples.csv"  # nlp/data: office workers' dev rows and louwu's own, labelled
URGENT_FILE = "urgent_examples.csv"


@dataclass(frozen=True)
class Example:
    text: str
    label: str


def shipped_examples(name: str = EXAMPLES_FILE) -> list[Example]:
    with resources.files("nlp").joinpath("data", name).open(encoding="utf-8") as f:
        return [Example(r["text"], r["label"]) for r in csv.DictReader(f) if r["text"].strip()]


def read_examples(path: str, text_column: str = "text", label_column: str = "label") -> list[Example]:
    """Labelled rows of a CSV; a missing column is a ValueError that names the columns there are."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        columns = reader.fieldnames or []
        if text_column not in columns or label_column not in columns:
            raise ValueError(f"{path}: needs columns {text_column!r} and {label_column!r}, has {columns}")
        return [Example(r[text_column], r[label_column]) for r in reader if r[text_column].strip()]


def train(examples: Iterable[Example], trained_on: str, c: float = 0.5, min_df: int = 1) -> TextModel:
    """A model of every label among the examples (at least two)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    rows = list(examples)
    labels = sorted({e.label for e in rows})
    if len(labels) < 2:
        raise ValueError(f"training needs examples of at least two categories, got {labels}")
    vectorizer = TfidfVectorizer(analyzer=features, sublinear_tf=True, min_df=min_df)
    x = vectorizer.fit_transform([e.text for e in rows])
    svm = LinearSVC(C=c).fit(x, [e.label for e in rows])
    coef, intercepts = svm.coef_, svm.intercept_
    if len(labels) == 2:  # one row for the second class: its mirror scores the first
        coef, intercepts = np.vstack([-coef[0], coef[0]]), np.array([-intercepts[0], intercepts[0]])
    names = vectorizer.get_feature_names_out()
    return TextModel(
        [str(c) for c in svm.classes_],
        {str(f): i for i, f in enumerate(names)},
        _floats(vectorizer.idf_),
        [_floats(row) for row in coef],
        [float(b) for b in intercepts],
        ModelInfo(len(rows), trained_on),
    )


def _floats(values: np.ndarray) -> array:
    return array("f", np.asarray(values, dtype=np.float32).tobytes())
