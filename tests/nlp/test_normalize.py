"""What rules and commands match against: the same as a whole-string NFKC, traditional to
simplified and lower case, for everything people write, at a fraction of the cost."""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

import pytest

from nlp.normalize import _traditional_to_simplified, compatible, normalize

DATA = Path(__file__).resolve().parents[1] / "data"
TYPED = [
    "受理 ＃１２",
    "ＡＣ不製冷，辦公室熱死了！！",
    "①号楼电梯坏了㎡",
    "电梯\u200b坏了",
    "Ｅ-ＢＩＫＥ在楼道充电",
    "ﬁle 已提交",
]


def _texts() -> list[str]:
    texts = list(TYPED)
    for name in ("dev_set.csv", "emergency.csv", "topic_pairs.csv"):
        with (DATA / name).open(encoding="utf-8") as f:
            texts += [value for row in csv.reader(f) for value in row]
    return texts


def _reference(text: str) -> str:
    """The definition: whole-string NFKC, then traditional to simplified, lower case."""
    folded = unicodedata.normalize("NFKC", text).translate(_traditional_to_simplified())
    folded = "".join(c for c in folded if c not in "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f").lower()
    return "".join(c if c.isprintable() else " " for c in folded)


@pytest.mark.parametrize("text", _texts())
def test_normalising_character_by_character_is_the_whole_string_nfkc(text):
    assert normalize(text) == _reference(text)


def test_full_width_commands_become_plain():
    assert compatible("受理 ＃１２") == "受理 #12"
    assert compatible("plain ascii") == "plain ascii"
