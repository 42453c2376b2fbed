"""Topic grouping (议题征集): precision and recall of "same problem?" on labelled pairs.

    .venv/bin/python bench/topics.py [--pairs tests/data/topic_pairs.csv]

Each pair is two complaints of one building (of any category since #21: the last ten pairs cross
categories), labelled 1 (same problem) or 0. The pairs
were written for louwu, and the synonym groups of nlp/similarity.py were written looking at them, so
the figures are optimistic: a development set, not a held-out test.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import TopicsConfig  # noqa: E402
from nlp.similarity import Similarity, shared_similarity, synonym_table  # noqa: E402


def prf(scored: list[tuple[float, bool]], threshold: float) -> tuple[float, float, float]:
    tp = sum(1 for s, y in scored if s >= threshold and y)
    fp = sum(1 for s, y in scored if s >= threshold and not y)
    fn = sum(1 for s, y in scored if s < threshold and y)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=Path, default=ROOT / "tests" / "data" / "topic_pairs.csv")
    args = ap.parse_args()
    with args.pairs.open(encoding="utf-8") as fh:
        pairs = [(r["a"], r["b"], r["same"] == "1") for r in csv.DictReader(fh)]
    sim = shared_similarity()
    bare = Similarity(sim.segmenter, synonyms={})  # plain token overlap, for comparison
    default = TopicsConfig().threshold
    print(f"{len(pairs)} pairs, {sum(y for *_, y in pairs)} same; {len(synonym_table())} synonym words")
    print(f"{'threshold':>9}  {'P':>5} {'R':>5} {'F1':>5}   without synonyms: P R F1")
    for t in sorted({0.2, 0.25, 0.3, 0.35, 0.4, 0.5, default}):
        with_syn = prf([(sim.score(a, b), y) for a, b, y in pairs], t)
        without = prf([(bare.score(a, b), y) for a, b, y in pairs], t)
        mark = "  ← default" if t == default else ""
        print(
            f"{t:>9.2f}  {with_syn[0]:.3f} {with_syn[1]:.3f} {with_syn[2]:.3f}"
            f"   {without[0]:.3f} {without[1]:.3f} {without[2]:.3f}{mark}"
        )


if __name__ == "__main__":
    main()
