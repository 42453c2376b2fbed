"""Evaluation figures, CSV mistakes, and keyword mining."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.defaults import default_pack
from nlp.evaluate import DataError, Example, read_labelled, score
from nlp.segment import Segmenter
from nlp.suggest import from_model, split
from nlp.train import train

DEV_SET = Path(__file__).parents[1] / "data" / "dev_set.csv"
REAL = Path(__file__).parents[3] / "shared" / "data" / "teddy2020c_subjects.csv"


def test_scores_match_a_hand_count():
    pairs = [("a", "a"), ("a", "b"), ("b", "b"), ("b", "b")]
    report = score(pairs, ["a", "b"])
    assert report.accuracy == 0.75
    assert report.per_category["a"].recall == 0.5
    assert report.per_category["b"].precision == pytest.approx(2 / 3)
    assert report.confusion["a"]["b"] == 1


def test_unknown_labels_are_reported_not_crashed_on():
    report = score([("zzz", "a"), ("a", "a")], ["a"])
    assert report.unknown_labels == {"zzz": 1}


def test_csv_without_the_columns_says_so(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("message,category\nhi,other\n")
    with pytest.raises(DataError, match="needs columns 'text' and 'label'"):
        read_labelled(path)


def test_csv_in_another_encoding_says_so(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes("text,label\n电梯坏了,facilities\n".encode("gbk"))
    with pytest.raises(DataError, match="not UTF-8"):
        read_labelled(path)


def test_empty_rows_are_skipped_and_counted(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("text,label\n电梯坏了,facilities\n,\n食堂关了,dining\n")
    data = read_labelled(path)
    assert len(data.examples) == 2
    assert data.skipped_lines == [3]


def test_development_set_is_large_and_covers_every_category():
    data = read_labelled(DEV_SET).examples
    assert len(data) >= 120
    assert len({e.label for e in data}) == 9


def test_suggestions_are_the_models_strongest_words_that_no_rule_holds():
    model = train(
        [Example(f"茶水间有耗子{i}", "sanitation") for i in range(5)] + [Example("电梯坏了", "facilities")],
        "t",
    )
    found = from_model(model, default_pack(), Segmenter().knows)
    words = [s.word for s in found["sanitation"]]
    assert words and not set(words) & default_pack().words()


def test_split_is_stratified():
    examples = [Example(str(i), "a") for i in range(10)] + [Example(str(i), "b") for i in range(10)]
    train, test = split(examples, 0.2)
    assert sorted(e.label for e in test) == ["a", "a", "b", "b"]


@pytest.mark.skipif(not REAL.exists(), reason="real data not present: ../shared/data/ is beside the repo")
def test_the_trainer_generalises_on_real_messages():
    examples = read_labelled(REAL).examples[:3000]
    train_rows, test = split(examples, 0.2)
    model = train([Example(e.text, e.label) for e in train_rows], "teddy")
    report = score([(e.label, model.read(e.text).best.category) for e in test], model.classes)
    assert report.macro_f1 > 0.6
