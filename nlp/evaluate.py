"""Evaluation of a rules engine on labelled text: accuracy, macro-F1, per-category P/R/F1, confusion."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


class DataError(ValueError):
    """A labelled file that cannot be used as it is; the message says why."""


@dataclass(frozen=True)
class Example:
    text: str
    label: str


@dataclass
class Labelled:
    examples: list[Example]
    skipped_lines: list[int] = field(default_factory=list)


def read_labelled(path: Path) -> Labelled:
    """Read a CSV with columns text,label (others ignored); empty rows are skipped and counted."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{path}: not UTF-8 (byte {exc.start}); save it as UTF-8 CSV (Excel: 'CSV UTF-8')"
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip() for c in reader.fieldnames or []]
    if "text" not in columns or "label" not in columns:
        raise DataError(f"{path}: needs columns 'text' and 'label'; found {columns or 'no header'}")
    reader.fieldnames = columns
    out = Labelled([])
    for row in reader:
        t, label = (row.get("text") or "").strip(), (row.get("label") or "").strip()
        if not t or not label:
            out.skipped_lines.append(reader.line_num)
            continue
        out.examples.append(Example(t, label))
    if not out.examples:
        raise DataError(f"{path}: no rows with both text and label")
    return out


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass
class Report:
    accuracy: float
    macro_f1: float
    per_category: dict[str, Scores]
    labels: list[str]
    # confusion[true][predicted] = count
    confusion: dict[str, dict[str, int]]
    unknown_labels: dict[str, int]
    total: int

    def as_dict(self) -> dict[str, object]:
        return {
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "total": self.total,
            "per_category": {
                k: {
                    "precision": round(v.precision, 4),
                    "recall": round(v.recall, 4),
                    "f1": round(v.f1, 4),
                    "support": v.support,
                }
                for k, v in self.per_category.items()
            },
            "confusion": self.confusion,
            "unknown_labels": self.unknown_labels,
        }


def evaluate(
    examples: Sequence[Example],
    predict: Callable[[str], str],
    known: Iterable[str],
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Score `predict` on `examples`; labels outside `known` are counted, not crashed on."""
    known = list(known)
    pairs: list[tuple[str, str]] = []
    for i, ex in enumerate(examples):
        pairs.append((ex.label, predict(ex.text)))
        if progress and (i + 1) % 100 == 0:
            progress(100)
    if progress:
        progress(len(examples) % 100)
    return score(pairs, known)


def score(pairs: Sequence[tuple[str, str]], known: Sequence[str]) -> Report:
    unknown = Counter(t for t, _ in pairs if t not in known)
    labels = [k for k in known if any(t == k or p == k for t, p in pairs)]
    labels += sorted(unknown)
    confusion = {t: {p: 0 for p in labels} for t in labels}
    for t, p in pairs:
        confusion[t].setdefault(p, 0)
        confusion[t][p] += 1
    per: dict[str, Scores] = {}
    for label in labels:
        tp = confusion[label].get(label, 0)
        predicted = sum(row.get(label, 0) for row in confusion.values())
        support = sum(confusion[label].values())
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per[label] = Scores(precision, recall, f1, support)
    with_support = [s.f1 for s in per.values() if s.support]
    correct = sum(1 for t, p in pairs if t == p)
    return Report(
        accuracy=correct / len(pairs) if pairs else 0.0,
        macro_f1=sum(with_support) / len(with_support) if with_support else 0.0,
        per_category=per,
        labels=labels,
        confusion=confusion,
        unknown_labels=dict(unknown),
        total=len(pairs),
    )
