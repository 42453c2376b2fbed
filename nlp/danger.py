"""Danger read in context: a danger word counts only where its own clause speaks of a present
danger, not of a drill, the past, a habit, a hypothetical, a negation, a simile or a joke.

"上周起过火，已经扑灭" · "万一着火往哪跑" · "没人被困" · "还没冒烟" · "业绩着火了🔥" · "辣到冒烟" are calm;
"茶水间插座在冒火花" is not. The cues are Chinese words found before the danger word in its clause
(or, for a few, anywhere in the message). The rule pack's [urgency] words include plain phrases of
danger (叫不醒, 喘不上气, 水管爆, 里面有人), which admins can extend."""

from __future__ import annotations

import re

# A clause ends at punctuation, a line break or a run of spaces.
_CLAUSE = re.compile(r"[，,。.！!？?；;：:\n～~…]+|\s{1,}")
# Before the danger word, in its clause: it is not happening, not now, not here, or not real.
_BEFORE = (
    # negation
    "没", "没有", "不是", "未", "无", "别", "不会", "并非", "倒没",
    # hypothetical and fear
    "万一", "如果", "要是", "假如", "假设", "会不会", "怕", "担心", "迟早", "差点", "险些", "真要",
    "容易", "以防", "防止", "预防", "幸好", "还好",
    # the past
    "昨天", "前天", "上周", "上礼拜", "上次", "上个月", "上月", "以前", "之前", "去年", "曾经", "当时",
    "那次", "那天", "前两天", "前几天", "新闻",
    # a habit, not an event
    "时常", "经常", "常常", "老是", "总是", "每次", "每天", "天天",
    # similes and jokes
    "辣", "像", "业绩", "心里", "嘴巴", "脑子", "股", "密室", "笑",
)  # fmt: skip
# After the danger word, in its clause.
_AFTER = ("过", "味", "头", "一样", "似的", "般", "的时候", "怎么办", "吗", "么", "没有", "往哪")
# Anywhere in the message: the whole of it is a drill, a thank-you, a joke or a question of policy.
_MESSAGE = (
    "演习", "演练", "培训", "讲座", "哈哈", "😂", "🤣", "😭", "开玩笑", "感谢", "已经灭", "扑灭",
    "灭掉了", "处理好了", "修好了", "已经没事", "预案", "逃生路线", "PPT", "ppt",
)  # fmt: skip


def present(text: str, words: tuple[str, ...]) -> tuple[str, ...]:
    """The danger words of `text` that speak of a danger here and now."""
    if not words or any(cue in text for cue in _MESSAGE):
        return ()
    clauses = _CLAUSE.split(text)
    return tuple(w for w in dict.fromkeys(words) if any(_live(c, w) for c in clauses if w in c))


def _live(clause: str, word: str) -> bool:
    at = clause.find(word)
    while at >= 0:
        # "是不是漏气了" asks whether it is happening: a present danger, not a negation.
        before, after = clause[:at].replace("是不是", ""), clause[at + len(word) :]
        if not any(cue in before for cue in _BEFORE) and not any(after.startswith(cue) for cue in _AFTER):
            return True
        at = clause.find(word, at + 1)
    return False
