"""Keyword suggestions from the learned layer's strongest features, for admins to adopt as rules, and
the stratified split the benchmarks and `rules eval` use."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from nlp.evaluate import Example
from nlp.model import TextModel
from nlp.pack import OTHER, RulePack

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
    weight: float  # the rule weight proposed: the model's push, scaled to the pack's range
    push: float  # the model's weight for the n-gram in this category


def from_model(
    model: TextModel, pack: RulePack, is_word: Callable[[str], bool], per_category: int = 8
) -> dict[str, list[Suggestion]]:
    """Per category, the n-grams that push the model hardest towards it, that are words (`is_word`:
    jieba's dictionary) and that no rule holds yet: what an admin may adopt (louwu rules add …)."""
    known = pack.words()
    names = model.feature_names()
    out: dict[str, list[Suggestion]] = {}
    for c, label in enumerate(model.classes):
        if label == OTHER or label not in pack.category_ids:
            continue
        column = model.by_class[c]
        found: list[Suggestion] = []
        for i in sorted(range(len(column)), key=column.__getitem__, reverse=True):
            word, push = names[i], float(column[i])
            if push <= 0 or len(found) >= per_category:
                break
            fresh = word not in known and not any(word in s.word for s in found)
            if fresh and _usable(word) and is_word(word):
                found.append(Suggestion(label, word, round(min(3.0, max(1.0, 2 * push)), 1), round(push, 3)))
        out[label] = found
    return out


def _usable(word: str) -> bool:
    if len(word) < 2 or word in STOP_WORDS or not all(ch.isalnum() for ch in word):
        return False
    return not any(ch.isdigit() for ch in word) and not word.isascii()


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
