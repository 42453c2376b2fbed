"""Tagging speed on one core beside a plain `jieba.lcut` of the same messages, start-up times, and
what the learned layer adds to a warm start and to a process's memory.

    .venv/bin/python bench/tagging.py [--messages 5000]

Messages: real ones from ../shared/data (30–200 characters), else the development set.
Start-up is measured in fresh processes: cold = jieba's dictionary cache removed, warm = cache present.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nlp.defaults import default_model, default_pack  # noqa: E402
from nlp.engine import RulesEngine  # noqa: E402
from nlp.evaluate import read_labelled  # noqa: E402

REAL = ROOT.parent / "shared" / "data" / "teddy2020c_messages.csv"
DEV = ROOT / "tests" / "data" / "dev_set.csv"

START = """
import time; t = time.perf_counter()
from nlp.defaults import default_pack
from nlp.engine import RulesEngine
from nlp.segment import Segmenter
pack = default_pack(); engine = RulesEngine(pack); engine.tag("电梯坏了")
t_engine = time.perf_counter() - t
Segmenter(pack.words()).tokens("电梯坏了")
print(t_engine, time.perf_counter() - t)
"""
# The learned layer's own cost in a fresh process: reading the shipped model and tagging with it.
MODEL = """
import time
def rss():
    return int(open("/proc/self/statm").read().split()[1]) * 4096 / 2**20
from nlp.defaults import default_pack
from nlp.engine import RulesEngine
pack = default_pack(); RulesEngine(pack).tag("电梯坏了")
r2, t2 = rss(), time.perf_counter()
from nlp.defaults import default_model
RulesEngine(pack, default_model()).tag("电梯坏了")
r3, t3 = rss(), time.perf_counter()
import sys
assert "numpy" not in sys.modules, "serving must not need NumPy"
print(t3 - t2, r3 - r2)
"""


def messages(limit: int) -> list[str]:
    source = REAL if REAL.exists() else DEV
    texts = [e.text for e in read_labelled(source).examples]
    fitting = [t[:200] for t in texts if len(t) >= 30] or texts
    out = (fitting * (limit // len(fitting) + 1))[:limit]
    return out


def start_time(cache_home: Path, code: str = START) -> tuple[float, float]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout  # fmt: skip
    first, second = map(float, out.split())
    return first, second


def main() -> None:
    import jieba

    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=5000)
    args = ap.parse_args()
    texts = messages(args.messages)
    avg_len = sum(map(len, texts)) / len(texts)
    jieba.initialize()
    engine = RulesEngine(default_pack())
    both = RulesEngine(default_pack(), default_model())
    for t in texts[:100]:
        engine.tag(t)
        both.tag(t)
        jieba.lcut(t, HMM=False)

    t0 = time.perf_counter()
    for t in texts:
        jieba.lcut(t, HMM=False)
    lcut_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for t in texts:
        jieba.lcut(t)
    lcut_hmm_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for t in texts:
        engine.tag(t)
    tag_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for t in texts:
        both.tag(t)
    both_s = time.perf_counter() - t0
    long = [t for t in texts if len(t) >= 168][:500]
    t0 = time.perf_counter()
    for t in long:
        jieba.lcut(t[:168], HMM=False)
    long_lcut_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for t in long:
        both.tag(t[:168])
    long_both_s = time.perf_counter() - t0

    n = len(texts)
    print(f"{n} messages, {avg_len:.0f} characters on average ({'real' if REAL.exists() else 'dev set'})")
    print(f"{'step':32} {'msg/s':>9} {'µs/msg':>8} {'× lcut':>7}")
    steps = (
        ("jieba.lcut, HMM off", lcut_s),
        ("jieba.lcut, HMM on", lcut_hmm_s),
        ("louwu tag (default pack)", tag_s),
        ("louwu tag (pack + model)", both_s),
    )
    for name, secs in steps:
        print(f"{name:32} {n / secs:9.0f} {secs / n * 1e6:8.1f} {secs / lcut_s:7.2f}")
    if long:
        each, lcut_each = long_both_s / len(long) * 1e6, long_lcut_s / len(long) * 1e6
        print(f"168-character messages ({len(long)}): pack + model {each:.0f} µs, lcut {lcut_each:.0f} µs: "
              f"{each / lcut_each:.2f}× lcut")  # fmt: skip

    with tempfile.TemporaryDirectory() as tmp:
        cold = start_time(Path(tmp))
        warm = start_time(Path(tmp))
        shutil.rmtree(tmp, ignore_errors=True)
        model_s, model_mib = start_time(Path(tmp), MODEL)
    print(
        f"start (fresh process): engine ready {cold[0]:.2f} s; with jieba for `try`: cold {cold[1]:.2f} s, "
        f"warm {warm[1]:.2f} s"
    )
    print(f"the learned layer in a fresh process: +{model_s:.2f} s, +{model_mib:.1f} MiB RSS")


if __name__ == "__main__":
    main()
