"""Segmentation over the mapped dictionary gives jieba's own `lcut(text, HMM=False)`, word for word,
with the rule words added as louwu adds them."""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

import jieba
import pytest

from nlp.defaults import default_pack
from nlp.dictionary import Dictionary
from nlp.train import shipped_examples

REAL = Path(__file__).parents[3] / "shared" / "data" / "teddy2020c_messages.csv"
EDGES = ["", "hello world 123 abc", "A4纸 i7-9700 3.5% C++ 楼道\r\n里 有人\t抽烟", "Wi-Fi坏了!!", "。。。"]


@cache
def words() -> list[str]:
    return sorted(default_pack().words())


@cache
def jieba_tokenizer() -> jieba.Tokenizer:
    tok = jieba.Tokenizer()
    for word in words():
        tok.add_word(word, freq=max(tok.suggest_freq(word), 1000))
    return tok


@pytest.fixture(scope="module")
def ours(tmp_path_factory) -> Dictionary:
    d = Dictionary.load(tmp_path_factory.mktemp("cache"))
    for word in words():
        d.add(word, max(d.suggest(word), 1000))
    return d


def differences(ours: Dictionary, texts: list[str]) -> list[tuple[str, list[str], list[str]]]:
    tok = jieba_tokenizer()
    return [(t, a, b) for t in texts if (a := tok.lcut(t, HMM=False)) != (b := ours.lcut(t))]


def test_the_shipped_examples_are_cut_as_jieba_cuts_them(ours):
    assert differences(ours, [e.text for e in shipped_examples()] + EDGES) == []


@pytest.mark.skipif(not REAL.exists(), reason="real data not present: ../shared/data/ is beside the repo")
def test_real_citizen_messages_are_cut_as_jieba_cuts_them(ours):
    with REAL.open(encoding="utf-8") as f:
        texts = [row["text"] for row in csv.DictReader(f)][:1500]
    assert differences(ours, texts) == []


def test_a_rule_word_is_never_split(ours):
    # Words with a space or a slash in them are cut at it, by jieba too.
    whole = [w for w in words() if re.fullmatch("[\u4e00-\u9fd5a-zA-Z0-9]+", w)]
    assert [w for w in whole if ours.lcut(w) != [w]] == []


def test_a_prefix_of_a_word_has_frequency_zero_and_an_unknown_string_the_default(tmp_path):
    d = Dictionary.load(tmp_path)
    assert d.freq("电动车") > 0
    assert d.freq("电动") > 0 and d.freq("电动车充") in (0, None)
    assert d.freq("一丘之") == 0  # only ever the start of 一丘之貉
    assert d.freq("𠀀𠀀", 7) == 7


def test_the_cache_is_built_once_and_then_mapped(tmp_path):
    Dictionary.load(tmp_path)
    built = {p: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    Dictionary.load(tmp_path)
    assert {p: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == built
    assert len(built) == 2
