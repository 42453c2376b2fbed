"""Personal data in a complaint, masked for the eyes of people other than its reporter and those
responsible for it: mobile and landline numbers, ID card numbers, e-mail addresses, car plates.
The stored text is never changed; masking is for display."""

from __future__ import annotations

import re

_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
# Checked in order: an 18-digit ID number holds what looks like a mobile number.
_PATTERNS: tuple[tuple[re.Pattern[str], int, int], ...] = (
    # (pattern, characters kept at the start, at the end)
    (
        re.compile(r"(?<![0-9])[1-9][0-9]{5}(?:19|20)[0-9]{2}[01][0-9][0-3][0-9][0-9]{3}[0-9Xx](?![0-9])"),
        6,
        4,
    ),
    (re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])"), 3, 4),
    (re.compile(r"(?<![0-9])0[0-9]{2,3}-?[0-9]{3,4}-?[0-9]{4}(?![0-9])"), 4, 4),
    (re.compile(rf"[{_PROVINCES}][A-Z][·•]?[A-HJ-NP-Z0-9]{{5,6}}(?![A-Z0-9])"), 2, 2),
)
_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*(@[A-Za-z0-9.-]+\.[A-Za-z]{2,})")


def mask_personal(text: str) -> str:
    """`13812345678` → `138****5678`, an ID number → `310101********1234`, `li.lei@x.cn` →
    `l***@x.cn`, `沪A12345` → `沪A***45`."""
    for pattern, head, tail in _PATTERNS:
        text = pattern.sub(lambda m, h=head, t=tail: _hide(m.group(), h, t), text)
    return _EMAIL.sub(r"\1***\2", text)


def _hide(found: str, head: int, tail: int) -> str:
    return found[:head] + "*" * max(len(found) - head - tail, 1) + found[-tail:]
