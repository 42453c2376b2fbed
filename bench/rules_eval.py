"""Rules on real data: a pack mined by `rules suggest` against a learned baseline on the same split.

    .venv/bin/python bench/rules_eval.py [--data ../shared/data/teddy2020c_messages.csv] [--holdout 0.2]

Baseline: TF-IDF over the same jieba tokens + a linear SVM (scikit-learn, bench extras only).
Also prints the default pack's figures on the development set in tests/data/.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nlp.defaults import default_pack  # noqa: E402
from nlp.engine import RulesEngine  # noqa: E402
from nlp.evaluate import evaluate, read_labelled, score  # noqa: E402
from nlp.segment import Segmenter  # noqa: E402
from nlp.suggest import mine_pack, split  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "teddy2020c_messages.csv"
DEV_SET = ROOT / "tests" / "data" / "dev_set.csv"


def baseline(train, test, tokens) -> tuple[float, float, float]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    started = time.perf_counter()
    vec = TfidfVectorizer(analyzer=lambda t: tokens(t), sublinear_tf=True, min_df=2)
    x_train = vec.fit_transform([e.text for e in train])
    model = LinearSVC(C=0.5).fit(x_train, [e.label for e in train])
    predicted = model.predict(vec.transform([e.text for e in test]))
    labels = sorted({e.label for e in train})
    report = score([(e.label, p) for e, p in zip(test, predicted, strict=True)], labels)
    return report.accuracy, report.macro_f1, time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--holdout", type=float, default=0.2)
    args = ap.parse_args()

    dev = read_labelled(DEV_SET).examples
    pack = default_pack()
    engine = RulesEngine(pack)
    dev_report = evaluate(dev, lambda t: engine.tag(t).primary, pack.category_ids)
    print(
        f"default pack on the development set ({len(dev)} messages): "
        f"accuracy {dev_report.accuracy:.3f}, macro-F1 {dev_report.macro_f1:.3f}"
    )

    if not args.data.exists():
        raise SystemExit(f"{args.data} not found: the real data lives in ../shared/data/")
    examples = read_labelled(args.data).examples
    train, test = split(examples, args.holdout)
    seg = Segmenter()
    cache: dict[str, list[str]] = {}

    def tokens(text: str) -> list[str]:
        if text not in cache:
            cache[text] = seg.tokens(text)
        return cache[text]

    started = time.perf_counter()
    mined, _ = mine_pack(train, tokens)
    mined_engine = RulesEngine(mined)
    mined_train = evaluate(train, lambda t: mined_engine.tag(t).primary, mined.category_ids)
    mined_test = evaluate(test, lambda t: mined_engine.tag(t).primary, mined.category_ids)
    mined_s = time.perf_counter() - started
    b_acc, b_f1, b_s = baseline(train, test, tokens)
    print(f"data: {args.data.name}, {len(train)} train / {len(test)} held out (stratified, seed 42)")
    print(f"{'model':40} {'accuracy':>9} {'macro-F1':>9} {'seconds':>8}")
    print(f"{'mined pack, on its training part':40} {mined_train.accuracy:9.3f} {mined_train.macro_f1:9.3f}")
    print(f"{'mined pack, held out':40} {mined_test.accuracy:9.3f} {mined_test.macro_f1:9.3f} {mined_s:8.1f}")
    print(f"{'TF-IDF + linear SVM, held out':40} {b_acc:9.3f} {b_f1:9.3f} {b_s:8.1f}")
    print(
        f"gap in macro-F1: {100 * (b_f1 - mined_test.macro_f1):.1f} points "
        f"({sum(len(c.keywords) for c in mined.categories)} keywords in the mined pack)"
    )


if __name__ == "__main__":
    main()
