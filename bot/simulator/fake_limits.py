"""WeChat's own checks of a menu, as the fake of its API answers them: the errcodes menu/create gives
for a menu over its limits, written apart from louwu's checker (bot/menu.py) so each tests the other."""

from __future__ import annotations

from typing import Any

_MENU_TYPES = {
    "click", "view", "scancode_push", "scancode_waitmsg", "pic_sysphoto", "pic_photo_or_album",
    "pic_weixin", "location_select", "media_id", "article_id", "article_view_limited", "miniprogram",
}  # fmt: skip


def menu_refusal(buttons: Any) -> tuple[int, str] | None:
    """WeChat's errcode for a menu over its limits (40016 … 40027), or None."""
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
        return 40016, "invalid button size"
    for b in buttons:
        subs = b.get("sub_button") or []
        if subs:
            if len(subs) > 5:
                return 40023, "invalid sub button size"
            if len(str(b.get("name", "")).encode()) > 16:
                return 40018, "invalid button name size"
            for s in subs:
                wrong = _button_refusal(s, 60)
                if wrong:
                    return wrong[0] + 7, "invalid sub " + wrong[1]  # 40017 → 40024 …, as WeChat numbers them
        else:
            wrong = _button_refusal(b, 16)
            if wrong:
                return wrong[0], "invalid " + wrong[1]
    return None


def _button_refusal(b: dict[str, Any], name_bytes: int) -> tuple[int, str] | None:
    if b.get("type") not in _MENU_TYPES:
        return 40017, "button type"
    if not 0 < len(str(b.get("name", "")).encode()) <= name_bytes:
        return 40018, "button name size"
    if len(str(b.get("key", "")).encode()) > 128:
        return 40019, "button key size"
    if len(str(b.get("url", "")).encode()) > 1024:
        return 40020, "button url size"
    return None
