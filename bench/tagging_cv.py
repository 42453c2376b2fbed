"""Cross-validation on the shipped examples alone: how every choice in the learned layer is made.

    .venv/bin/python bench/tagging_cv.py [--folds 5] [--c 0.5] [--sure -0.5] [--floor -0.9]
                                         [--danger-sure 0.1] [--danger-over-calm 0.6] [--show-head]

The office workers' dev rows (nlp/data/examples.csv, source office_complaints:*) are split into
stratified folds; each fold is tagged by a model trained on the other folds plus all of louwu's own
examples, with the shipped rule pack beside it. Prints rules only, model only and combined, then
dangers: urgent dev rows answered as urgent and false alarms on calm dev rows with a danger word.
No holdout row is read.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nlp.defaults import default_pack  # noqa: E402
from nlp.engine import ModelSettings, RulesEngine  # noqa: E402
from nlp.evaluate import Example, score  # noqa: E402
from nlp.train import Danger, shipped_dangers, shipped_examples, train  # noqa: E402

_DEFAULTS = ModelSettings()


def folds(rows: list[tuple[Example, bool]], k: int) -> list[list[int]]:
    """Stratified by label: every k-th row of each label, in file order, goes to the same fold."""
    out: list[list[int]] = [[] for _ in range(k)]
    seen: dict[str, int] = {}
    for i, (e, _) in enumerate(rows):
        n = seen[e.label] = seen.get(e.label, -1) + 1
        out[n % k].append(i)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--c", type=float, default=0.5)
    ap.add_argument("--sure", type=float, default=_DEFAULTS.sure)
    ap.add_argument("--floor", type=float, default=_DEFAULTS.floor)
    ap.add_argument("--rules-sure", type=float, default=_DEFAULTS.rules_sure)
    ap.add_argument("--danger-sure", type=float, default=_DEFAULTS.danger_sure)
    ap.add_argument("--danger-over-calm", type=float, default=_DEFAULTS.danger_over_calm)
    ap.add_argument(
        "--show-head", action="store_true", help="the danger head's value on each row with a danger"
    )
    args = ap.parse_args()
    examples, marks, is_dev = shipped_examples(), shipped_dangers(), _from_dev_rows()
    # shipped_dangers() reads examples.csv first, row for row, then urgent_examples.csv.
    dev = [(e, d.urgent) for e, d, yes in zip(examples, marks, is_dev, strict=False) if yes]
    own = [e for e, yes in zip(examples, is_dev, strict=True) if not yes]
    own_dangers = [d for d, yes in zip(marks, is_dev, strict=False) if not yes] + marks[len(examples) :]
    pack = default_pack()
    settings = ModelSettings(args.sure, args.floor, args.rules_sure, args.danger_sure, args.danger_over_calm)
    truth, said = {"rules": [], "model": [], "combined": []}, []
    started = time.perf_counter()
    for fold in folds(dev, args.folds):
        test = set(fold)
        learn = [dev[i] for i in range(len(dev)) if i not in test]
        model = train(
            [e for e, _ in learn] + own,
            "cv",
            [Danger(e.text, u) for e, u in learn] + own_dangers,
            c=args.c,
        )
        both, rules = RulesEngine(pack, model, settings), RulesEngine(pack)
        for i in fold:
            e, urgent = dev[i]
            tagged = both.tag(e.text)
            truth["rules"].append((e, rules.tag(e.text).primary))
            truth["model"].append((e, model.read(e.text).best.category))
            truth["combined"].append((e, tagged.primary))
            said.append((e.text, urgent, tagged.urgent, tagged.reading.danger))
    known = pack.category_ids
    print(f"{args.folds}-fold CV on {len(dev)} dev rows (+{len(own)} own examples always trained), "
          f"{time.perf_counter() - started:.0f} s")  # fmt: skip
    print(f"{'':10} {'accuracy':>9} {'macro-F1':>9} {'其他 P':>9}")
    for name, pairs in truth.items():
        r = score([(e.label, p) for e, p in pairs], known)
        other = r.per_category.get("other")
        print(f"{name:10} {r.accuracy:9.3f} {r.macro_f1:9.3f} {other.precision if other else 0:9.3f}")
    r = score([(e.label, p) for e, p in truth["combined"]], known)
    print("combined, confusion (rows true, columns predicted):")
    print(" " * 16 + " ".join(f"{p[:3]:>3}" for p in r.labels))
    for t in r.labels:
        print(f"  {t:14} " + " ".join(f"{r.confusion[t].get(p, 0):3}" for p in r.labels))
    words = pack.urgency_words
    urgent = [s for s in said if s[1]]
    calm = [s for s in said if not s[1] and any(w in s[0] for w in words)]
    quiet = [s for s in said if not s[1]]
    print(f"dangers: {sum(s[2] for s in urgent)} of {len(urgent)} urgent answered as urgent; "
          f"{sum(s[2] for s in calm)} false alarms on {len(calm)} calm rows with a danger word; "
          f"{sum(s[2] for s in quiet)} on all {len(quiet)} calm rows")  # fmt: skip
    head = [(s[0], s[1], s[3] > args.danger_sure) for s in said]
    print(f"the danger head alone: {sum(h[2] for h in head if h[1])} of {len(urgent)} urgent; "
          f"{sum(h[2] for h in head if not h[1] and any(w in h[0] for w in words))} of {len(calm)} calm with "
          f"a danger word; {sum(h[2] for h in head if not h[1])} of all calm")  # fmt: skip
    if args.show_head:
        for text, u, _, d in sorted(said, key=lambda s: s[3]):
            if u or any(w in text for w in words):
                print(f"  {d:+.2f} {'URGENT' if u else 'calm  '} {text}")
    for text, u, t, _ in said:
        if u != t:
            print(("  missed: " if u else "  alarm:  ") + text)


def _from_dev_rows() -> list[bool]:
    import csv
    from importlib import resources

    with resources.files("nlp").joinpath("data", "examples.csv").open(encoding="utf-8") as f:
        return [r["source"].startswith("office_complaints:") for r in csv.DictReader(f) if r["text"].strip()]


if __name__ == "__main__":
    main()
