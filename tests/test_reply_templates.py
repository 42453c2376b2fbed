"""Reply templates: checked before they are stored, filled so that nothing a member typed is lost."""

from __future__ import annotations

import pytest

from handlers.reply_templates import DEFAULTS, TemplateError, Values, check, fill

V = Values(12, "凯迪克大厦", "餐饮就餐", "12月3日", "")


def test_the_default_acceptance_names_the_building_and_the_date() -> None:
    assert fill(DEFAULTS["accepted"], V) == "已被「凯迪克大厦」楼务会受理，预计 12月3日 前办结。"


def test_a_note_the_template_has_no_place_for_follows_it() -> None:
    typed = Values(12, "凯迪克大厦", "餐饮就餐", "12月3日", "明天答复")
    assert fill("#{number} 已受理。", typed) == "#12 已受理。（说明：明天答复）"


@pytest.mark.parametrize(
    ("state", "text", "says"),
    [
        ("accepted", "已受理 {who}", "不认识的占位符 {who}"),
        ("accepted", "已受理 {number", "花括号不成对"),
        ("rejected", "不予受理。", "要包含 {note}"),
        ("closed", "谢谢", "没有状态"),
        ("accepted", "  ", "不能为空"),
    ],
)
def test_a_template_louwu_would_not_send_is_refused_with_the_reason(state: str, text: str, says: str) -> None:
    with pytest.raises(TemplateError, match=says):
        check(state, text)


def test_braces_can_be_written_doubled() -> None:
    assert fill(check("accepted", "已受理 {{内部}} #{number}"), V) == "已受理 {内部} #12"
