"""A rule pack is accepted whole or refused whole, with file, line and reason."""

from __future__ import annotations

import pytest

from nlp.defaults import default_pack
from nlp.pack import PackError, dump_pack, parse_pack
from nlp.pack_edit import add_keyword, add_synonym, remove_word

GOOD = """[pack]
name = "t"
[categories.dining]
name = "餐饮"
[categories.dining.keywords]
"食堂" = 3
"""


def test_dump_then_parse_gives_the_same_pack():
    pack = default_pack()
    assert parse_pack(dump_pack(pack)) == pack


def test_other_is_added_when_missing():
    assert "other" in parse_pack(GOOD).category_ids


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        (GOOD.replace('name = "餐饮"', 'nmae = "餐饮"'), 4, "unknown key 'nmae'"),
        (GOOD.replace('"食堂" = 3', '"" = 3'), 6, "empty word"),
        (GOOD.replace('"食堂" = 3', '"食堂" = "heavy"'), 6, "is not a number"),
        (GOOD + '[categories.dining]\nname = "x"\n', 7, "not valid TOML"),
        (
            GOOD + '[[categories.dining.co]]\nall = ["饭堂"]\nany = ["关"]\n',
            8,
            "unknown word '饭堂'",
        ),
    ],
    ids=["wrong key", "empty keyword", "weight not a number", "duplicate category", "co unknown word"],
)
def test_bad_pack_is_refused_with_line_and_reason(text, line, reason):
    with pytest.raises(PackError) as err:
        parse_pack(text, "pack.toml")
    assert reason in str(err.value)
    assert f"pack.toml:{line}" in str(err.value)


def test_edits_return_a_new_valid_pack():
    pack = parse_pack(GOOD)
    pack = add_keyword(pack, "dining", "饭堂", 2.5)
    pack = add_synonym(pack, "dining", "員工餐廳", "食堂")  # normalised to simplified
    assert pack.category("dining").synonyms == {"员工餐厅": "食堂"}
    pack = remove_word(pack, "dining", "食堂")
    assert [k.word for k in pack.category("dining").keywords] == ["饭堂"]
    assert pack.category("dining").synonyms == {}


def test_edit_of_unknown_category_is_refused():
    with pytest.raises(PackError, match="no category 'food'"):
        add_keyword(parse_pack(GOOD), "food", "饭", 1)
