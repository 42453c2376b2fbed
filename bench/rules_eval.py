"""Tags on text nobody here wrote: the rules, the learned layer and both, against a learned baseline.

    .venv/bin/python bench/rules_eval.py [--office ../shared/data/office_complaints.csv]
                                         [--teddy ../shared/data/teddy2020c_messages.csv] [--holdout 0.2]

1. office_complaints.csv, holdout rows only (read here, at bench time, never shipped nor tuned to):
   rules only, the shipped model only, and combined (the default [tagging] settings); the baseline is
   TF-IDF over jieba words and character 1–3-grams with a linear SVM trained on the dev rows alone.
   Then dangers: urgent rows answered as urgent, and false alarms on calm rows with a danger word.
2. Teddy 2020C (real citizen messages, 7 labels of its own): louwu's trainer on a stratified 80/20
   split against TF-IDF over jieba words with a linear SVM on the same split.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nlp.defaults import default_model, default_pack  # noqa: E402
from nlp.engine import RulesEngine  # noqa: E402
from nlp.evaluate import Example, Report, evaluate, read_labelled, score  # noqa: E402
from nlp.segment import Segmenter  # noqa: E402
from nlp.suggest import split  # noqa: E402
from nlp.train import train  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"


def baseline(train_rows: list[Example], test: list[Example], analyzer) -> Report:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    vec = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True)
    x = vec.fit_transform([e.text for e in train_rows])
    model = LinearSVC(C=0.5).fit(x, [e.label for e in train_rows])
    predicted = model.predict(vec.transform([e.text for e in test]))
    labels = sorted({e.label for e in train_rows})
    return score([(e.label, p) for e, p in zip(test, predicted, strict=True)], labels)


def line(name: str, r: Report) -> str:
    other = r.per_category.get("other")
    shown = f" {other.precision:9.3f}" if other else ""
    return f"{name:44} {r.accuracy:9.3f} {r.macro_f1:9.3f}{shown}"


def office(path: Path) -> None:
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    # The baseline learns from the dev rows louwu ships: four that nearly repeat a holdout row are left out.
    with (ROOT / "nlp" / "data" / "examples.csv").open(encoding="utf-8") as f:
        shipped = {r["source"].partition(":")[2] for r in csv.DictReader(f)}
    dev = [Example(r["text"], r["label"]) for r in rows if r["split"] == "dev" and r["id"] in shipped]
    held = [r for r in rows if r["split"] == "holdout"]
    test = [Example(r["text"], r["label"]) for r in held]
    pack, model = default_pack(), default_model()
    rules, both = RulesEngine(pack), RulesEngine(pack, model)
    known = pack.category_ids
    reports = {
        "rules only": evaluate(test, lambda t: rules.tag(t).primary, known),
        "model only (shipped)": evaluate(test, lambda t: model.read(t).best.category, known),
        "combined (shipped, default settings)": evaluate(test, lambda t: both.tag(t).primary, known),
    }
    seg = Segmenter()
    from nlp.model import features

    reports["baseline: TF-IDF words+chars 1-3, SVM, dev"] = baseline(
        dev, test, lambda t: seg.tokens(t) + ["c:" + f for f in features(t)]
    )
    print(f"office_complaints.csv holdout: {len(test)} messages (trained on dev rows and louwu's own)")
    print(f"{'':44} {'accuracy':>9} {'macro-F1':>9} {'其他 P':>9}")
    for name, r in reports.items():
        print(line(name, r))
    combined = reports["combined (shipped, default settings)"]
    print("combined, per category:   P      R      F1   support")
    for label, s in combined.per_category.items():
        print(f"  {label:14} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.support:5}")
    print("confusion (rows true, columns predicted, in the order above):")
    for t in combined.labels:
        print(f"  {t:14} " + " ".join(f"{combined.confusion[t].get(p, 0):3}" for p in combined.labels))
    dangers(held, both, pack.urgency_words)


def dangers(held: list[dict[str, str]], engine: RulesEngine, words: tuple[str, ...]) -> None:
    urgent = [r["text"] for r in held if r["urgent"] == "1"]
    calm = [r["text"] for r in held if r["urgent"] != "1" and any(w in r["text"] for w in words)]
    caught = sum(engine.tag(t).urgent for t in urgent)
    alarms = sum(engine.tag(t).urgent for t in calm)
    print(f"dangers: {caught} of {len(urgent)} urgent rows answered as urgent; "
          f"{alarms} false alarms on {len(calm)} calm rows with a danger word "
          f"({100 * alarms / max(len(calm), 1):.1f}%)")  # fmt: skip


def teddy(path: Path, holdout: float) -> None:
    examples = read_labelled(path).examples
    train_rows, test = split(examples, holdout)
    started = time.perf_counter()
    model = train([Example(e.text, e.label) for e in train_rows], path.name)
    ours = evaluate(test, lambda t: model.read(t).best.category, model.classes)
    ours_s = time.perf_counter() - started
    seg = Segmenter()
    started = time.perf_counter()
    base = baseline(train_rows, test, seg.tokens)
    base_s = time.perf_counter() - started
    print(f"{path.name}: {len(train_rows)} train / {len(test)} held out (stratified, seed 42)")
    print(f"{'':44} {'accuracy':>9} {'macro-F1':>9} {'seconds':>9}")
    print(f"{line('louwu rules train (chars 1-3, SVM)', ours)} {ours_s:9.1f}")
    print(f"{line('TF-IDF jieba words + SVM', base)} {base_s:9.1f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--office", type=Path, default=SHARED / "office_complaints.csv")
    ap.add_argument("--teddy", type=Path, default=SHARED / "teddy2020c_messages.csv")
    ap.add_argument("--holdout", type=float, default=0.2)
    args = ap.parse_args()
    for path in (args.office, args.teddy):
        if not path.exists():
            raise SystemExit(f"{path} not found: the data lives in ../shared/data/")
    office(args.office)
    print()
    teddy(args.teddy, args.holdout)


if __name__ == "__main__":
    main()
