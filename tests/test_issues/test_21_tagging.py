"""#21: a learned layer beside the rules, corrections that teach, one topic whatever the tag."""

from __future__ import annotations

import csv
import dataclasses
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.config import TaggingConfig
from nlp.defaults import default_model, default_pack
from nlp.engine import MODEL, NONE, RULES, ModelSettings, RulesEngine
from nlp.evaluate import Example
from nlp.model import ModelError, features, loads, word_matcher, words_in
from nlp.train import Danger, shipped_dangers, shipped_examples, train
from storage import repos
from storage.models import Issue
from tests.wx import WeChatSender

ENGINE = RulesEngine(default_pack(), default_model())


def test_a_model_read_back_from_its_bytes_reads_the_same() -> None:
    model = train(
        [Example("食堂关了", "dining"), Example("电梯坏了", "facilities"), Example("你好", "other")], "t"
    )
    again = loads(model.dumps())
    assert again.read("食堂又关了").ranked == model.read("食堂又关了").ranked


def test_a_body_that_is_not_a_model_is_refused_with_the_reason() -> None:
    with pytest.raises(ModelError, match="not a louwu model"):
        loads(b"not gzip")


def test_training_needs_two_categories() -> None:
    with pytest.raises(ValueError, match="at least two"):
        train([Example("食堂关了", "dining")], "t")


def test_the_model_decides_where_the_rules_are_silent() -> None:
    tagging = ENGINE.tag("中午想困中觉，没地方躺")
    assert tagging.scores == {} and tagging.layer == MODEL and tagging.primary == "worker_care"


def test_the_rules_decide_when_the_model_agrees() -> None:
    tagging = ENGINE.tag("四楼食堂下个月就关了，九百多人以后去哪吃饭？")
    assert tagging.layer == RULES and tagging.primary == "dining"


def test_neither_being_confident_is_other() -> None:
    engine = RulesEngine(default_pack(), default_model(), ModelSettings(floor=5.0))
    tagging = engine.tag("啦啦啦啦")
    assert tagging.layer == NONE and tagging.primary == "other"


def test_the_model_explains_itself_with_the_ngrams_that_pushed_it() -> None:
    reading = default_model().read("茶水间有耗子屎", explain=True)
    assert reading.best.category == "sanitation"
    assert reading.pushed and all(x > 0 for _, x in reading.pushed)
    assert abs(sum(g.probability for g in reading.ranked) - 1) < 1e-6


@pytest.mark.usefixtures("demo")
async def test_the_same_broken_dryer_joins_one_topic_whatever_its_tag(wx: WeChatSender) -> None:
    alice, bob = wx.reporter("o_alice"), wx.reporter("o_bob")
    await alice.follows("kdk")
    await bob.follows("kdk")
    assert "编号 #1" in await alice.says("五楼男厕所的烘手机坏了两个星期了，一直没人修")
    joined = await bob.says("五楼男厕所烘手机坏了好久，麻烦物业修一下")
    assert "已有人提出：#1" in joined


@pytest.mark.usefixtures("demo")
async def test_a_convener_recategorises_from_the_chat_and_it_becomes_an_example(
    wx: WeChatSender, sessionmaker: Any
) -> None:
    alice, conv = wx.reporter("o_alice"), wx.reporter("o_conv_kdk")
    await alice.follows("kdk")
    await alice.says("四楼食堂下个月就关了，九百多人以后去哪吃饭？")
    assert "改为「物业设施」" in await conv.says("改类 1 物业")
    async with sessionmaker() as db:
        [example] = await repos.rules.examples(db)
        issue = (await db.execute(select(Issue))).scalar_one()
    assert (example.category, example.was, issue.category) == ("facilities", "dining", "facilities")
    assert "改类" in await alice.says("进度 1")


@pytest.mark.usefixtures("demo")
async def test_an_enterprise_correction_goes_to_the_service_team_and_the_reporter_is_told(
    wx: WeChatSender, jobs: Any, fake_wechat: Any
) -> None:
    alice, conv = wx.reporter("o_alice"), wx.reporter("o_conv_kdk")
    await wx.reporter("o_service_team").says("待办")  # its 48-hour window is open
    await alice.follows("kdk")
    await alice.says("四楼食堂下个月就关了，九百多人以后去哪吃饭？")
    assert "首席服务团队" in await conv.says("改类 1 enterprise")
    await jobs.dispatch_outbox()
    assert any("#1" in m for m in fake_wechat.sent_to("o_service_team"))
    assert any("首席服务团队" in m for m in fake_wechat.sent_to("o_alice"))


@pytest.mark.usefixtures("demo")
async def test_an_unknown_category_says_which_there_are(wx: WeChatSender) -> None:
    await wx.reporter("o_alice").follows("kdk")
    await wx.reporter("o_alice").says("四楼食堂下个月就关了")
    assert "物业设施" in await wx.reporter("o_conv_kdk").says("改类 1 火星")


@pytest.mark.usefixtures("demo")
async def test_the_triage_view_lists_other_with_two_guesses_and_one_click_recategorises(
    browser: Any, wx: WeChatSender, sessionmaker: Any
) -> None:
    await wx.reporter("o_alice").follows("kdk")
    await wx.reporter("o_alice").says("啦啦啦啦")
    await browser.login("admin")
    page = await browser.get("/admin/triage")
    assert "#1" in page.body_text and page.body_text.count('name="action" value="recategorise"') == 2
    resp = await browser.post(
        "/admin/issues/1", {"action": "recategorise", "note": "dining", "back": "triage"}
    )
    assert resp.headers["Location"].startswith("/admin/triage?done=")
    async with sessionmaker() as db:
        assert (await db.execute(select(Issue.category))).scalar_one() == "dining"


@pytest.mark.usefixtures("demo")
async def test_enough_corrections_retrain_the_model_on_their_own(
    wx: WeChatSender, sessionmaker: Any, jobs: Any
) -> None:
    jobs.config = dataclasses.replace(jobs.config, tagging=TaggingConfig(retrain_after=2))
    await wx.reporter("o_alice").follows("kdk")
    await wx.reporter("o_alice").says("四楼食堂下个月就关了")
    assert not await jobs.retrain_if_due()
    await wx.reporter("o_conv_kdk").says("改类 1 物业设施")
    await wx.reporter("o_conv_kdk").says("改类 1 企业服务")
    assert await jobs.retrain_if_due()
    async with sessionmaker() as db:
        model = await repos.rules.active_model(db)
    assert model is not None and model.corrections == 2
    assert not await jobs.retrain_if_due()  # nothing new since


def test_a_model_keeps_its_danger_head_through_its_bytes() -> None:
    dangers = [Danger("茶水间着火了快来人", True), Danger("电梯有点慢", False), Danger("会议室冒烟了", True)]
    model = train([Example("食堂关了", "dining"), Example("电梯坏了", "facilities")], "t", dangers)
    again = loads(model.dumps())
    assert again.read("着火了").danger == pytest.approx(model.read("着火了").danger, abs=1e-5)


def test_the_danger_head_makes_urgent_only_where_no_danger_word_was_read_as_calm() -> None:
    engine = RulesEngine(default_pack(), default_model(), ModelSettings(danger_sure=-99.0))
    assert engine.tag("电梯又坏了").urgent  # any margin counts at this setting
    assert not engine.tag("万一着火往哪跑").urgent  # a danger word read as calm stands


@pytest.mark.parametrize("text", ["四楼食堂下个月就关了", "AC不製冷 辦公室熱死了", "a", "", "🔥🔥业绩着火了"])
def test_the_automatons_count_the_same_ngrams_and_words_as_the_trainer_saw(text: str) -> None:
    model = default_model()
    seen = features(text) + words_in(text, word_matcher(model.words))
    expected = Counter(i for f in seen if (i := model.feature_id(f)) is not None)
    ids, values = model._vector(text)
    assert set(ids) == set(expected) and len(values) == len(ids)


OFFICE = Path(__file__).resolve().parents[3] / "shared" / "data" / "office_complaints.csv"


@pytest.mark.skipif(
    not OFFICE.exists(), reason="../shared/data/office_complaints.csv is not beside the repository"
)
def test_no_shipped_example_repeats_a_holdout_row() -> None:
    """The holdout rows are for the final figures only: none may be learned from, even re-punctuated."""

    def bare(text: str) -> str:
        return re.sub(r"[\W_]+", "", text.lower())

    with OFFICE.open(encoding="utf-8") as f:
        held = {bare(r["text"]) for r in csv.DictReader(f) if r["split"] == "holdout"}
    shipped = [bare(e.text) for e in shipped_examples()] + [bare(d.text) for d in shipped_dangers()]
    assert not [t for t in shipped if t in held]


def test_a_sure_danger_head_overrules_context_cues_that_read_a_danger_word_as_calm() -> None:
    text = "业绩着火了🔥"  # read as calm by its cue; a head told to be sure of anything overrules it
    assert not RulesEngine(default_pack(), default_model()).tag(text).urgent
    assert (
        RulesEngine(default_pack(), default_model(), ModelSettings(danger_over_calm=-99.0)).tag(text).urgent
    )
