"""The rules engine places what office workers really write."""

from __future__ import annotations

import pytest

from nlp.defaults import default_pack
from nlp.engine import RulesEngine
from nlp.pack import parse_pack

ENGINE = RulesEngine(default_pack())


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("四楼食堂下个月就关了，九百多人以后去哪吃饭？", "dining"),
        ("门口共享单车堆成山了", "transport"),
        ("AC不製冷，辦公室熱死了", "facilities"),  # traditional characters, English
        ("WiFi 信号太差了😭", "facilities"),  # emoji
        ("电悌又停在20楼不动", "facilities"),  # misspelt
        ("厕所好臭😷保洁呢", "sanitation"),
        ("楼道里有人给电动车充电", "safety"),
        ("ＨＲ说人才补贴要去窗口申报", "enterprise"),  # full-width Latin
        ("能不能搞个母婴室", "worker_care"),
        ("隔壁工地半夜施工", "neighborhood"),
        ("今天天气不错", "other"),
    ],
)
def test_default_pack_places_the_message(text, category):
    assert ENGINE.tag(text).primary == category


def test_second_topic_in_passing_is_a_secondary_tag():
    tagging = ENGINE.tag("食堂关了以后大家都点外卖，顺便说一下电梯也很挤")
    assert tagging.primary == "dining"
    assert "facilities" in tagging.tags


def test_urgency_word_marks_urgent():
    tagging = ENGINE.tag("三楼茶水间冒烟了！")
    assert tagging.urgent
    assert "冒烟" in tagging.urgent_words


def test_drill_mention_is_not_urgent():
    assert not ENGINE.tag("上次消防演习说起火怎么办").urgent


def test_latin_keyword_must_stand_alone():
    assert ENGINE.tag("my account is locked").primary == "other"  # "ac" inside "account"


def test_synonym_counts_as_its_keyword():
    tagging = ENGINE.tag("员工餐厅的菜太贵")
    assert any(m.word == "员工餐厅" and m.keyword == "食堂" for m in tagging.matches)


PACK = """
[pack]
name = "t"
threshold = 2
[urgency]
words = ["起火"]
exclude = ["演习"]
[categories.dining]
name = "餐饮"
exclude = ["消防"]
[categories.dining.keywords]
"食堂" = 1.5
[[categories.dining.co]]
all = ["食堂"]
any = ["关", "停业"]
weight = 3
"""


def test_co_occurrence_rule_adds_its_weight():
    engine = RulesEngine(parse_pack(PACK))
    assert engine.tag("食堂").primary == "other"  # 1.5 is below the threshold
    tagging = engine.tag("食堂停业了")
    assert tagging.primary == "dining"
    assert tagging.scores["dining"] == 4.5


def test_exclusion_word_cancels_the_category_and_says_why():
    tagging = RulesEngine(parse_pack(PACK)).tag("消防检查说食堂要停业")
    assert tagging.primary == "other"
    assert "excluded" in tagging.why


def test_below_threshold_is_other_and_says_why():
    tagging = RulesEngine(parse_pack(PACK)).tag("食堂")
    assert "below threshold" in tagging.why
