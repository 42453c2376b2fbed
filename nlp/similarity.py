"""Topic similarity: do two complaints of one building and category raise the same problem?

Both texts become sets of content words (jieba tokens without function words, each synonym mapped to
its group's first word); the score is their overlap coefficient |A∩B| / min(|A|,|B|), so a short
"食堂要关了" still matches a long story about the canteen closing. Measured in bench/topics.py.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache

from nlp.segment import Segmenter

_STOP_TEXT = (
    "的 了 是 在 我 我们 你 他 她 都 就 也 还 又 很 太 吗 呢 吧 啊 呀 有 没有 没 不 人"
    " 去 到 和 与 及 能 会 要 这 那 个 下 上 给 让 被 把 说 请 一下 一个 什么 怎么"
    " 为什么 现在 今天 已经 可以 大家 问题 希望 反映 好几天 一直 经常 能不能 老是"
    " 总 多 少 里 楼里 想 如何 需要 比如 一些 非常 真的 还是 以后 然后"
)
STOPWORDS = frozenset(_STOP_TEXT.split())

# Words office workers use for the same thing; the first of each group stands for all of them.
SYNONYM_GROUPS = (
    "厕所 卫生间 洗手间 公厕",
    "关门 停业 关 停 关闭 倒闭",
    "吃饭 午饭 就餐 用餐 吃 饭",
    "电瓶车 电动车 电单车",
    "吸烟 抽烟",
    "母婴室 哺乳室",
    "野猫 流浪猫",
    "噪音 吵 噪声",
    "灯 照明灯 照明",
    "漏水 滴水 渗水",
    "网络 wifi 网 断网 掉线",
    "贵 涨价 价格 涨",
    "排队 排长队 挤",
    "座椅 长椅 椅子",
    "休息 午休",
    "补贴 扶持资金 补助 扶持",
    "税收 减税 税",
    "执照 营业执照",
    "落户 户口",
    "堵 堵死 堵塞 占用",
    "杂物 纸箱 堆放",
    "班车 通勤车",
    "施工 工地 打桩",
    "停运 坏 故障 坏了",
    "摊贩 摆摊 小摊贩",
    "清理 清运 打扫 保洁",
    "瓷砖 外立面 外墙",
    "脱落 掉下来 掉",
    "老鼠 蟑螂",
)


def synonym_table(groups: Iterable[str] = SYNONYM_GROUPS) -> dict[str, str]:
    table: dict[str, str] = {}
    for group in groups:
        words = group.split()
        for word in words:
            table.setdefault(word, words[0])
    return table


class Similarity:
    def __init__(self, segmenter: Segmenter, synonyms: Mapping[str, str] | None = None) -> None:
        """`synonyms`: word → the word it stands for; default: SYNONYM_GROUPS."""
        self.segmenter = segmenter
        self._syn = synonym_table() if synonyms is None else dict(synonyms)
        self.words = lru_cache(maxsize=8192)(self._words)

    def _words(self, text: str) -> tuple[str, ...]:
        """The text's distinct words after synonyms, as a tuple of interned strings: a cached text
        costs a few hundred bytes (as a frozenset of its own strings it was ~1.5 KB, 12 MiB a full
        cache)."""
        words = {self._syn.get(t, t) for t in self.segmenter.tokens(text) if t not in STOPWORDS}
        return tuple(map(sys.intern, words))

    def score(self, a: str, b: str) -> float:
        wa, wb = self.words(a), self.words(b)
        if not wa or not wb:
            return 0.0
        return len(set(wa).intersection(wb)) / min(len(wa), len(wb))


@cache
def shared_similarity() -> Similarity:
    """One per process, shared by the workers forked from it (bot/workers.py): it never changes."""
    return Similarity(Segmenter())
