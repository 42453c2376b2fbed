"""Masking personal data for display: each kind masked, ordinary numbers left alone."""

from __future__ import annotations

import pytest

from nlp.masking import mask_personal


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("有事打我电话13812345678", "有事打我电话138****5678"),
        ("座机021-62790001", "座机021-****0001"),
        ("身份证310101199001011234丢了", "身份证310101********1234丢了"),
        ("发邮件到 li.lei@example.cn", "发邮件到 l***@example.cn"),
        ("沪A12345 天天停在消防通道", "沪A***45 天天停在消防通道"),
    ],
)
def test_personal_data_is_masked(text: str, shown: str) -> None:
    assert mask_personal(text) == shown


def test_floors_times_and_issue_numbers_are_left_alone() -> None:
    text = "12楼的电梯从2026年11月2日坏到现在，#123 也没人管，等了20分钟"
    assert mask_personal(text) == text
