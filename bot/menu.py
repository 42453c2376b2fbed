"""The Official Account's menu: read from TOML, checked against WeChat's limits before it is sent,
and turned into the body of `menu/create` (and back from `menu/get`).

Once 服务器配置 is enabled, the platform's menu editor stops working and the API is the only way; a
file refused here names its line and what to write instead, rather than an errcode later."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

TOP_BUTTONS, SUB_BUTTONS = (1, 3), (1, 5)
TOP_NAME_BYTES, SUB_NAME_BYTES, KEY_BYTES, URL_BYTES = 16, 60, 128, 1024
# What each type of button must carry besides its name, as WeChat's documentation lists them.
NEEDS: dict[str, tuple[str, ...]] = {
    "click": ("key",),
    "view": ("url",),
    "scancode_push": ("key",),
    "scancode_waitmsg": ("key",),
    "pic_sysphoto": ("key",),
    "pic_photo_or_album": ("key",),
    "pic_weixin": ("key",),
    "location_select": ("key",),
    "media_id": ("media_id",),
    "article_id": ("article_id",),
    "article_view_limited": ("article_id",),
    "miniprogram": ("url", "appid", "pagepath"),
}
FIELDS = ("key", "url", "media_id", "article_id", "appid", "pagepath")


class MenuError(ValueError):
    """A menu louwu will not send; the message names the line and the limit."""


@dataclass(frozen=True)
class Button:
    name: str
    type: str = ""  # "" for a top button that only opens its sub-buttons
    values: tuple[tuple[str, str], ...] = ()  # key, url, … as the type needs
    subs: tuple[Button, ...] = ()

    def value(self, field: str) -> str:
        return dict(self.values).get(field, "")


@dataclass(frozen=True)
class Menu:
    buttons: tuple[Button, ...]

    def as_wechat(self) -> dict[str, Any]:
        """The body of `menu/create`."""
        return {"button": [_wechat(b) for b in self.buttons]}

    def lines(self) -> list[str]:
        """The menu as people read it, one button a line, sub-buttons indented."""
        out = []
        for b in self.buttons:
            out.append(_line(b) if not b.subs else b.name)
            out += ["  └ " + _line(s) for s in b.subs]
        return out

    def labels(self) -> dict[str, str]:
        """Each click key's button name: what a person tapped, in words."""
        every = [s for b in self.buttons for s in (b.subs or (b,))]
        return {k: b.name for b in every if (k := b.value("key"))}

    def keys(self) -> list[str]:
        """Every click key, in order: what the conversation must answer."""
        return list(self.labels())


def default_path() -> Path:
    return Path(str(resources.files("bot").joinpath("data", "menu.toml")))


def load(path: Path | None) -> Menu:
    """The menu in `path` (the one louwu ships when None), checked; MenuError says what is wrong."""
    path = path or default_path()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MenuError(f"{path}: cannot be read: {exc}") from None
    return parse(text, str(path))


def parse(text: str, source: str = "menu") -> Menu:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MenuError(f"{source}: not valid TOML: {exc}") from None
    lines = _Lines(text, source)
    unknown = set(data) - {"button"}
    if unknown:
        raise MenuError(f"{source}: {sorted(unknown)[0]}: only [[button]] tables are known")
    tops = data.get("button", [])
    if not isinstance(tops, list) or not TOP_BUTTONS[0] <= len(tops) <= TOP_BUTTONS[1]:
        raise MenuError(f"{source}: a menu has 1 to 3 [[button]] tables, this one has {len(tops)}")
    return Menu(tuple(_top(t, i, lines) for i, t in enumerate(tops)))


def from_wechat(body: dict[str, Any]) -> Menu:
    """The menu `menu/get` answered (`{"menu": {"button": [...]}}`), unchecked: it is what is there."""

    def button(b: dict[str, Any]) -> Button:
        subs = b.get("sub_button") or []
        subs = subs.get("list", []) if isinstance(subs, dict) else subs
        values = tuple(sorted((f, str(b[f])) for f in FIELDS if b.get(f)))
        return Button(str(b.get("name", "")), str(b.get("type", "")), values, tuple(button(s) for s in subs))

    return Menu(tuple(button(b) for b in body.get("menu", {}).get("button", [])))


def _top(table: Any, i: int, lines: _Lines) -> Button:
    where = lines.button(i)
    if not isinstance(table, dict):
        raise MenuError(f"{where}: a [[button]] table")
    subs = table.get("sub_button")
    if subs is None:
        return _button(table, where, TOP_NAME_BYTES)
    extra = sorted(set(table) - {"name", "sub_button"})
    if extra:
        raise MenuError(f"{where}: a button with sub-buttons has only a name, not {extra[0]}")
    if not isinstance(subs, list) or not SUB_BUTTONS[0] <= len(subs) <= SUB_BUTTONS[1]:
        raise MenuError(
            f"{where}: a button has 1 to 5 [[button.sub_button]] tables, this one has {len(subs)}"
        )
    name = _name(table, where, TOP_NAME_BYTES)
    return Button(name, subs=tuple(_button(s, lines.sub(i, j), SUB_NAME_BYTES) for j, s in enumerate(subs)))


def _button(table: Any, where: str, name_bytes: int) -> Button:
    if not isinstance(table, dict):
        raise MenuError(f"{where}: a table of name, type and what the type needs")
    name, kind = _name(table, where, name_bytes), table.get("type")
    if kind not in NEEDS:
        raise MenuError(f"{where}: type {kind!r} is not a WeChat button type ({', '.join(NEEDS)})")
    extra = sorted(set(table) - {"name", "type", *NEEDS[kind]})
    if extra:
        raise MenuError(f"{where}: a {kind} button has no {extra[0]} (it takes {', '.join(NEEDS[kind])})")
    values = []
    for field in NEEDS[kind]:
        value = table.get(field)
        if not isinstance(value, str) or not value:
            raise MenuError(f'{where}: a {kind} button needs {field} = "…"')
        limit = {"key": KEY_BYTES, "url": URL_BYTES}.get(field)
        if limit and len(value.encode()) > limit:
            raise MenuError(f"{where}: {field} is {len(value.encode())} bytes, at most {limit}")
        if field == "url" and not re.match(r"https?://", value):
            raise MenuError(f"{where}: url must start with http:// or https://")
        values.append((field, value))
    return Button(name, kind, tuple(sorted(values)))


def _name(table: dict[str, Any], where: str, limit: int) -> str:
    name = table.get("name")
    if not isinstance(name, str) or not name.strip():
        raise MenuError(f'{where}: every button needs name = "…"')
    size = len(name.encode())
    if size > limit:
        chars = limit // 3
        raise MenuError(
            f"{where}: name {name!r} is {size} bytes, at most {limit} (about {chars} Chinese characters)"
        )
    return name


def _line(b: Button) -> str:
    return f"{b.name}  ({b.type} {' '.join(v for _, v in b.values)})"


def _wechat(b: Button) -> dict[str, Any]:
    if b.subs:
        return {"name": b.name, "sub_button": [_wechat(s) for s in b.subs]}
    return {"type": b.type, "name": b.name, **dict(b.values)}


class _Lines:
    """Where each [[button]] and [[button.sub_button]] header stands, to name a bad one's line."""

    def __init__(self, text: str, source: str) -> None:
        self.source = source
        self.tops: list[int] = []
        self.subs: list[list[int]] = []
        for n, line in enumerate(text.splitlines(), 1):
            header = line.strip().replace(" ", "")
            if header == "[[button]]":
                self.tops.append(n)
                self.subs.append([])
            elif header == "[[button.sub_button]]" and self.subs:
                self.subs[-1].append(n)

    def button(self, i: int) -> str:
        line = self.tops[i] if i < len(self.tops) else 0
        return f"{self.source}:{line}: button {i + 1}" if line else f"{self.source}: button {i + 1}"

    def sub(self, i: int, j: int) -> str:
        rows = self.subs[i] if i < len(self.subs) else []
        at = f":{rows[j]}" if j < len(rows) else ""
        return f"{self.source}{at}: button {i + 1}, sub-button {j + 1}"
