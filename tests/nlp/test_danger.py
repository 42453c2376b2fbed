"""Dangers read in context (#21): the present danger is urgent, said with a listed word or in plain
words; a drill, the past, a habit, a hypothetical, a negation, a simile or a joke is not."""

from __future__ import annotations

import pytest

from nlp.danger import present
from nlp.defaults import default_pack
from nlp.engine import RulesEngine

ENGINE = RulesEngine(default_pack())

PRESENT = [
    "茶水间墙上的插座在冒火花，还啪啪响",
    "3号梯停在12楼和13楼中间不动了，里面关着两个师傅",
    "12楼水管爆了，走廊全是水，还在往外喷",
    "同事趴在桌上叫不醒，快来人",
    "楼梯间有人在烧纸，浓烟都飘到走廊了",
    "三楼走廊一股很浓的燃气味，是不是漏气了",
    "有人在健身房晕倒了",
    "还好我们跑出来了，楼里还有人被困",  # relief in one clause does not calm the danger in another
]
CALM = [
    "上周楼下起过火，已经扑灭了，想问问原因",
    "万一着火了我们这层往哪跑",
    "业绩着火了🔥🔥 哈哈",
    "食堂的水煮鱼辣到冒烟",
    "电梯晃了一下，还好没人被困",
    "我们这层从来没有被困过，就是电梯太慢",
    "投影仪用久了有点烫，还没冒烟",
    "下周消防演练，大家记得参加",
    "楼道里全是烟味，谁又在抽烟",
    "门口好多烟头，能装个垃圾桶吗",
    "门口时常有污水漫出来",
]


@pytest.mark.parametrize("text", PRESENT)
def test_a_present_danger_is_urgent(text: str) -> None:
    assert ENGINE.tag(text).urgent


@pytest.mark.parametrize("text", CALM)
def test_a_danger_word_out_of_the_present_is_not(text: str) -> None:
    tagging = ENGINE.tag(text)
    assert not tagging.urgent, tagging.urgent_words


def test_each_clause_is_read_on_its_own() -> None:
    assert present("上周起过火，现在又着火了", ("着火", "起火")) == ("着火",)


def test_a_question_whether_it_is_happening_is_not_a_negation() -> None:
    assert present("是不是漏气了", ("漏气",)) == ("漏气",)
