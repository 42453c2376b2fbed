"""Emergencies: the default pack's danger words on labelled examples written for louwu (real dangers,
and ordinary complaints that only mention such a word), and the numbers that fit them."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from nlp.defaults import default_pack
from nlp.emergency import numbers_for
from nlp.engine import RulesEngine

EXAMPLES = list(csv.DictReader((Path(__file__).parents[1] / "data" / "emergency.csv").open(encoding="utf-8")))
ENGINE = RulesEngine(default_pack())


@pytest.mark.parametrize("row", [r for r in EXAMPLES if r["emergency"] == "1"], ids=lambda r: r["text"][:12])
def test_a_present_danger_is_an_emergency(row: dict[str, str]) -> None:
    assert ENGINE.tag(row["text"]).urgent


@pytest.mark.parametrize("row", [r for r in EXAMPLES if r["emergency"] == "0"], ids=lambda r: r["text"][:12])
def test_a_complaint_that_only_mentions_a_danger_is_not(row: dict[str, str]) -> None:
    tagging = ENGINE.tag(row["text"])
    assert not tagging.urgent, tagging.urgent_words


def test_fire_and_people_trapped_call_119_the_injured_120() -> None:
    assert numbers_for(("起火",)) == ["119"]
    assert numbers_for(("被困",)) == ["119"]
    assert numbers_for(("晕倒",)) == ["120"]
    assert numbers_for(("砸伤", "出血")) == ["120"]


def test_a_word_that_fits_no_service_gets_every_number() -> None:
    assert numbers_for(("救命",)) == ["119", "120", "110"]
