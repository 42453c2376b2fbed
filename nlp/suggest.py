"""Keyword suggestions mined from labelled text: weighted log-odds with an informative Dirichlet prior
(Monroe, Colaresi & Quinn 2008) of each jieba token in one label against all the others."""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from nlp.engine import RulesEngine
from nlp.evaluate import Example
from nlp.normalize import normalize
from nlp.pack import Category, Keyword, RulePack

# Words that carry no topic, however often one label uses them.
_STOP_TEXT = """
我们 你们 他们 她们 它们 自己 这个 那个 这些 那些 这里 那里 这样 那样 什么 怎么
怎样 为什么 哪里 哪个 没有 可以 已经 因为 所以 但是 如果 还是 就是 一个 一些 现在
问题 情况 希望 请问 谢谢 您好 你好 领导 相关 部门 有关 进行 工作 关于 反映 要求
解决 处理 表示 目前 由于 以及 并且 而且 或者 还有 不是 不能 不会 应该 需要 能够
一直 一下 一样 这么 那么 非常 特别 时候 之后 之前 以后 以前 今天 昨天 明天 今年
去年 每天 多次 一次 两次 其他 其中 大家 本人 我家 他家 你家 市民 群众 老百姓 请求
恳请 望 能否 是否
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())


@dataclass(frozen=True)
class Suggestion:
    label: str
    word: str
    weight: float  # the log-odds, used as the keyword's weight
    z: float  # evidence: log-odds over its standard error
    count: int  # documents of this label that contain the word


def log_odds(
    docs: Sequence[tuple[set[str], str]],
    min_count: int = 3,
    min_z: float = 2.0,
    alpha: float | None = None,
) -> dict[str, list[Suggestion]]:
    """Per label, the tokens that mark it against the rest, strongest evidence first."""
    per_label: dict[str, Counter[str]] = defaultdict(Counter)
    sizes: Counter[str] = Counter()
    for tokens, label in docs:
        per_label[label].update(tokens)
        sizes[label] += len(tokens)
    total = Counter[str]()
    for counts in per_label.values():
        total.update(counts)
    grand = sum(total.values())
    # The prior's strength: 100 pseudo-counts, less on small data where it would drown the evidence.
    alpha = alpha if alpha is not None else min(100.0, grand / 10)
    out: dict[str, list[Suggestion]] = {}
    for label, counts in per_label.items():
        n_i = sizes[label]
        n_j = grand - n_i
        found = []
        for word, y_i in counts.items():
            if y_i < min_count or not _usable(word):
                continue
            a_w = alpha * total[word] / grand
            y_j = total[word] - y_i
            delta = math.log((y_i + a_w) / (n_i + alpha - y_i - a_w)) - math.log(
                (y_j + a_w) / (n_j + alpha - y_j - a_w)
            )
            z = delta / math.sqrt(1 / (y_i + a_w) + 1 / (y_j + a_w))
            if z >= min_z and delta > 0:
                found.append(Suggestion(label, word, round(delta, 3), round(z, 2), y_i))
        out[label] = sorted(found, key=lambda s: -s.z)
    return out


def _usable(word: str) -> bool:
    if len(word) < 2 or word in STOP_WORDS:
        return False
    if word.isascii():
        return word.isalpha() and len(word) >= 2
    return not any(ch.isdigit() for ch in word)


def mine_pack(
    examples: Sequence[Example],
    tokens: Callable[[str], list[str]],
    name: str = "mined",
    per_label: int = 3000,
    min_count: int = 2,
    min_z: float = 1.0,
    epochs: int = 10,
    keep: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> tuple[RulePack, dict[str, list[Suggestion]]]:
    """A reviewable rule pack: one category per label, its words and weights.

    Candidates come from log-odds over jieba tokens; their weights start at the log-odds and are then
    tuned by an averaged perceptron with a margin, run on exactly what the rules engine would match,
    so that the pack scores messages the way it was measured. Words whose weight ends near zero go.
    """
    docs = []
    for ex in examples:
        docs.append((set(tokens(ex.text)), ex.label))
    found = log_odds(docs, min_count=min_count, min_z=min_z)
    labels = sorted(found)
    candidates = RulePack(
        name,
        0.0,
        tuple(
            Category(lab, lab, keywords=tuple(Keyword(s.word, s.weight) for s in found[lab][:per_label]))
            for lab in labels
        ),
    )
    engine = RulesEngine(candidates)
    features = [({w for w, _ in engine.found(normalize(ex.text))}, ex.label) for ex in examples]
    start = {c.id: {k.word: k.weight for k in c.keywords} for c in candidates.categories}
    weights = _perceptron(features, labels, start, epochs, progress)
    categories = []
    for label in labels:
        kept = sorted(
            ((w, round(v, 2)) for w, v in weights[label].items() if round(v, 2) > 0),
            key=lambda kv: -kv[1],
        )[:keep]
        categories.append(Category(label, label, keywords=tuple(Keyword(w, v) for w, v in kept)))
    pack = RulePack(
        name=name,
        threshold=0.01,
        categories=tuple(categories),
        description=f"mined from {len(examples)} labelled messages (log-odds, then perceptron); review",
    )
    return pack, found


def _perceptron(
    data: list[tuple[set[str], str]],
    labels: list[str],
    start: dict[str, dict[str, float]],
    epochs: int,
    progress: Callable[[int], None] | None,
    margin: float = 1.0,
) -> dict[str, dict[str, float]]:
    """Multi-class averaged perceptron with a margin (the lazy-update form of averaging)."""
    w = {label: defaultdict(float, start.get(label, {})) for label in labels}
    total = {label: defaultdict(float) for label in labels}
    stamp = {label: defaultdict(int) for label in labels}
    step = 1
    rng = random.Random(1)
    order = list(range(len(data)))
    for _ in range(epochs):
        rng.shuffle(order)
        for i in order:
            words, gold = data[i]
            guess = max(
                labels, key=lambda lab: sum(w[lab].get(x, 0.0) for x in words) + (lab != gold) * margin
            )
            if guess != gold:
                for x in words:
                    for lab, delta in ((gold, 1.0), (guess, -1.0)):
                        total[lab][x] += (step - stamp[lab][x]) * w[lab][x]
                        stamp[lab][x] = step
                        w[lab][x] += delta
            step += 1
        if progress:
            progress(1)
    return {
        lab: {x: (total[lab][x] + (step - stamp[lab][x]) * w[lab][x]) / step for x in w[lab]}
        for lab in labels
    }


def split(examples: Sequence[Example], holdout: float, seed: int = 42) -> tuple[list[Example], list[Example]]:
    """A stratified split: `holdout` of each label goes to the second list."""
    by_label: dict[str, list[Example]] = defaultdict(list)
    for ex in examples:
        by_label[ex.label].append(ex)
    rng = random.Random(seed)
    train, test = [], []
    for label in sorted(by_label):
        items = by_label[label][:]
        rng.shuffle(items)
        cut = round(len(items) * holdout)
        test += items[:cut]
        train += items[cut:]
    return train, test
