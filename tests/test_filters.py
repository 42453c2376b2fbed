"""The command filter on its own, as a table: which texts a command takes, and what it parses."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from handlers.events import TextMessage
from handlers.filters import Command, Member, Rating, number_in
from handlers.refusals import Refusal

NOW = dt.datetime(2026, 12, 4, tzinfo=dt.UTC)


class Ctx:
    """What a filter reads of a HandlerContext."""

    def __init__(self, member: object | None = None) -> None:
        self.member = member


def text(content: str) -> TextMessage:
    return TextMessage("o_x", NOW, 1, text=content)


@pytest.mark.parametrize(
    ("command", "said", "parsed"),
    [
        (Command("待办"), "待办", True),
        (Command("待办"), "待办 1", False),  # a command without arguments takes none
        (Command("待办", aliases=("我的待办",)), "我的待办", True),
        (Command("受理", args="number_text"), "受理 12", {"number": 12, "note": ""}),
        (Command("受理", args="number_text"), "受理 #12 明天去看", {"number": 12, "note": "明天去看"}),
        (Command("受理", args="number_text"), "受理12", {"number": 12, "note": ""}),
        (Command("受理", args="number_text"), "受理 ＃１２", {"number": 12, "note": ""}),
        (Command("受理", args="number_text"), "受理", {"number": None, "note": ""}),
        (Command("受理", args="number_text"), "受理 明天", {"number": None, "note": "明天"}),
        (Command("上报", args="number"), "上报 3", {"number": 3}),
        (Command("上报", args="number"), "上报 3 太久了", False),
        (Command("进度", args="optional_number"), "进度", {"number": None}),
        (Command("进度", args="optional_number"), "进度 7", {"number": 7}),
        (Command("进度", args="optional_number"), "进度怎么样了", False),
        (Command("代报", args="text"), "代报 凯迪克 电梯坏了", {"arg": "凯迪克 电梯坏了"}),
        (Command("受理", args="number_text"), "我想受理一下", False),  # the word must lead
        (Command("受理", args="number_text"), "电梯坏了", False),
    ],
)
def test_a_command_takes_its_texts_and_parses_their_arguments(
    command: Command, said: str, parsed: Any
) -> None:
    assert command(text(said), Ctx()) == parsed  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("said", "rating"), [("1", 1), ("2", 2), ("3", 3), ("满意", 1), ("不满意。", 3), ("4", None)]
)
def test_a_rating_is_one_two_three_or_its_words(said: str, rating: int | None) -> None:
    assert Rating()(text(said), Ctx()) == ({"rating": rating} if rating else False)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("said", "number"), [("12", 12), ("#12", 12), ("＃１２", 12), (" 12 ", 12), ("十二", None), ("1a", None)]
)
def test_a_number_is_written_with_or_without_its_hash(said: str, number: int | None) -> None:
    assert number_in(said) == number


def test_the_member_filter_passes_members_on_and_refuses_anyone_else_with_the_word_they_used() -> None:
    member = object()
    assert Member()(text("受理 3"), Ctx(member)) == {"member": member}  # type: ignore[arg-type]
    with pytest.raises(Refusal, match="「受理」是楼务会成员的指令"):
        Member()(text("受理3"), Ctx())  # type: ignore[arg-type]
