"""Rule packs: the TOML format admins edit, parsed whole into frozen dataclasses or refused whole.

A refusal names the file, the line and the reason, so an admin can fix the pack without help.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from nlp.normalize import normalize

OTHER = "other"
MAX_WEIGHT = 1000  # far above any real weight (the default pack stays under 10)
_PACK_KEYS = {"name", "description", "threshold"}
_CATEGORY_KEYS = {
    "name",
    "accept_hours",
    "resolve_days",
    "keywords",
    "synonyms",
    "exclude",
    "co",
}
_CO_KEYS = {"all", "any", "weight"}
_URGENCY_KEYS = {"words", "exclude"}
_TOP_KEYS = {"pack", "urgency", "categories"}
# Ids are the words after [categories.]; mined packs use the labels of their data (中文 too).
_ID = re.compile(r"^[^\s.\"'\[\]]{1,32}$")


class PackError(ValueError):
    """A rule pack that cannot be used; str() is 'source:line: reason'."""

    def __init__(self, source: str, line: int | None, reason: str) -> None:
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {reason}")
        self.source, self.line, self.reason = source, line, reason


@dataclass(frozen=True)
class Keyword:
    word: str
    weight: float


@dataclass(frozen=True)
class CoRule:
    """Adds `weight` when every word of `all` and at least one word of `any` occur."""

    all: tuple[str, ...]
    any: tuple[str, ...]
    weight: float


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    accept_hours: int = 24
    resolve_days: int = 7
    keywords: tuple[Keyword, ...] = ()
    synonyms: Mapping[str, str] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    co: tuple[CoRule, ...] = ()


@dataclass(frozen=True)
class RulePack:
    name: str
    threshold: float
    categories: tuple[Category, ...]
    urgency_words: tuple[str, ...] = ()
    urgency_exclude: tuple[str, ...] = ()
    description: str = ""

    def category(self, category_id: str) -> Category:
        for cat in self.categories:
            if cat.id == category_id:
                return cat
        raise KeyError(category_id)

    def category_or_other(self, category_id: str) -> Category:
        """The category; one removed since an issue was filed under it counts as `other`."""
        try:
            return self.category(category_id)
        except KeyError:
            return self.category(OTHER)

    def find(self, query: str) -> Category | None:
        """A category named by a person: its id, its name, or a unique part of its name (餐饮)."""
        query = query.strip().lower()
        exact = [c for c in self.categories if query in (c.id, c.name.lower())]
        partial = [c for c in self.categories if query and query in c.name]
        found = exact or partial
        return found[0] if len(found) == 1 else None

    @property
    def category_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.categories)

    def words(self) -> set[str]:
        """Every word the pack names: these join the segmenter's user dictionary."""
        out = set(self.urgency_words) | set(self.urgency_exclude)
        for cat in self.categories:
            out.update(k.word for k in cat.keywords)
            out.update(cat.synonyms)
            out.update(cat.exclude)
            for rule in cat.co:
                out.update(rule.all)
                out.update(rule.any)
        return out


def parse_pack(text: str, source: str = "<pack>") -> RulePack:
    """Parse a whole pack or raise PackError; nothing is partly accepted."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        line = int(found.group(1)) if found else None
        reason = str(exc).replace(found.group(0), "").strip() if found else str(exc)
        raise PackError(source, line, f"not valid TOML: {reason}") from None
    return _Parser(text, source).pack(data)


class _Parser:
    def __init__(self, text: str, source: str) -> None:
        self.lines = text.splitlines()
        self.source = source

    def fail(self, reason: str, *needles: str) -> PackError:
        return PackError(self.source, self.line_of(*needles), reason)

    def line_of(self, *needles: str) -> int | None:
        """The first line that holds every needle, searching after the first needle's line."""
        start = 0
        for needle in needles:
            for i in range(start, len(self.lines)):
                if needle in self.lines[i]:
                    start = i
                    break
            else:
                return start + 1 if start else None
        return start + 1

    def pack(self, data: dict[str, Any]) -> RulePack:
        self.unknown_keys(data, _TOP_KEYS, "top level", "")
        head = self.table(data.get("pack", {}), "[pack]", "[pack]")
        self.unknown_keys(head, _PACK_KEYS, "[pack]", "[pack]")
        threshold = self.number(head.get("threshold", 1.0), "threshold", "threshold")
        cats_raw = self.table(data.get("categories"), "[categories]", "categories")
        if not cats_raw:
            raise self.fail("the pack has no [categories.<id>] tables")
        categories = [self.category(cid, raw) for cid, raw in cats_raw.items()]
        if OTHER not in cats_raw:
            categories.append(Category(OTHER, "其他"))
        urgency = self.table(data.get("urgency", {}), "[urgency]", "[urgency]")
        self.unknown_keys(urgency, _URGENCY_KEYS, "[urgency]", "[urgency]")
        return RulePack(
            name=self.text(head.get("name", "default"), "[pack] name", "name"),
            threshold=threshold,
            categories=tuple(categories),
            urgency_words=self.words(urgency.get("words", []), "[urgency] words", "[urgency]"),
            urgency_exclude=self.words(urgency.get("exclude", []), "[urgency] exclude", "[urgency]"),
            description=str(head.get("description", "")),
        )

    def category(self, cid: str, raw: Any) -> Category:
        header = f"[categories.{cid}"
        if not _ID.match(cid):
            raise self.fail(
                f"category id {cid!r} must be 1-32 characters without spaces, dots or quotes", cid
            )
        raw = self.table(raw, f"[categories.{cid}]", header)
        self.unknown_keys(raw, _CATEGORY_KEYS, f"[categories.{cid}]", header)
        keywords = self.keywords(raw.get("keywords", {}), cid, header)
        known = {k.word for k in keywords}
        synonyms = self.synonyms(raw.get("synonyms", {}), cid, header, known)
        co = tuple(
            self.co_rule(rule, cid, header, known | set(synonyms))
            for rule in self.array(raw.get("co", []), f"[categories.{cid}] co", header)
        )
        return Category(
            id=cid,
            name=self.text(raw.get("name", cid), f"[categories.{cid}] name", header),
            accept_hours=self.integer(raw.get("accept_hours", 24), f"{cid}.accept_hours", header),
            resolve_days=self.integer(raw.get("resolve_days", 7), f"{cid}.resolve_days", header),
            keywords=keywords,
            synonyms=synonyms,
            exclude=self.words(raw.get("exclude", []), f"[categories.{cid}] exclude", header),
            co=co,
        )

    def keywords(self, raw: Any, cid: str, header: str) -> tuple[Keyword, ...]:
        raw = self.table(raw, f"[categories.{cid}] keywords", header)
        out = []
        for word, weight in raw.items():
            where = f"[categories.{cid}] keyword {word!r}"
            near = (header, f'"{word}"')
            out.append(Keyword(self.word(word, where, *near), self.number(weight, where, *near)))
        return tuple(out)

    def synonyms(self, raw: Any, cid: str, header: str, known: set[str]) -> dict[str, str]:
        raw = self.table(raw, f"[categories.{cid}] synonyms", header)
        out = {}
        for word, target in raw.items():
            where = f"[categories.{cid}] synonym {word!r}"
            target = self.word(target, where, header)
            if target not in known:
                raise self.fail(f"{where} points to {target!r}, which is not a keyword", header)
            out[self.word(word, where, header)] = target
        return out

    def co_rule(self, raw: Any, cid: str, header: str, known: set[str]) -> CoRule:
        where = f"[categories.{cid}] co rule"
        raw = self.table(raw, where, header)
        self.unknown_keys(raw, _CO_KEYS, where, header)
        all_words = self.words(raw.get("all", []), f"{where} 'all'", header)
        if not all_words:
            raise self.fail(f"{where} needs 'all' (the keywords it combines)", header)
        for word in all_words:
            if word not in known:
                raise self.fail(f"{where} names unknown word {word!r} in 'all'", header, word)
        any_words = self.words(raw.get("any", []), f"{where} 'any'", header)
        if not any_words:
            raise self.fail(f"{where} needs 'any' (words that must occur with them)", header)
        return CoRule(all_words, any_words, self.number(raw.get("weight", 1.0), where, header))

    def words(self, raw: Any, where: str, near: str) -> tuple[str, ...]:
        return tuple(self.word(w, where, near) for w in self.array(raw, where, near))

    def word(self, raw: Any, where: str, *near: str) -> str:
        if not isinstance(raw, str) or not normalize(raw).strip():
            raise self.fail(f"{where}: empty word", *near)
        return normalize(raw).strip()

    def text(self, raw: Any, where: str, near: str) -> str:
        if not isinstance(raw, str) or not raw.strip():
            raise self.fail(f"{where} must be non-empty text", near)
        return raw.strip()

    def number(self, raw: Any, where: str, *near: str) -> float:
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise self.fail(f"{where}: weight {raw!r} is not a number", *near)
        # nan and inf would win every score (and are not JSON): a weight is a plain finite number.
        if not math.isfinite(raw) or abs(raw) > MAX_WEIGHT:
            raise self.fail(
                f"{where}: weight {raw!r} must be a number from -{MAX_WEIGHT} to {MAX_WEIGHT}", *near
            )
        return float(raw)

    def integer(self, raw: Any, where: str, near: str) -> int:
        if isinstance(raw, bool) or not isinstance(raw, int) or raw <= 0:
            raise self.fail(f"{where} must be a whole number above 0, not {raw!r}", near)
        return raw

    def table(self, raw: Any, where: str, near: str) -> dict[str, Any]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            raise self.fail(f"{where} must be a table", near)
        return raw

    def array(self, raw: Any, where: str, near: str) -> list[Any]:
        if not isinstance(raw, list):
            raise self.fail(f"{where} must be a list", near)
        return raw

    def unknown_keys(self, raw: dict[str, Any], known: set[str], where: str, near: str) -> None:
        for key in raw:
            if key not in known:
                allowed = ", ".join(sorted(known))
                raise self.fail(f"unknown key {key!r} in {where} (allowed: {allowed})", near, key)


def dump_pack(pack: RulePack) -> str:
    """Write a pack back as TOML that parse_pack reads to an equal pack."""
    out = [
        "[pack]",
        f"name = {_q(pack.name)}",
        f"threshold = {pack.threshold:g}",
    ]
    if pack.description:
        out.append(f"description = {_q(pack.description)}")
    out += ["", "[urgency]", f"words = {_list(pack.urgency_words)}"]
    out.append(f"exclude = {_list(pack.urgency_exclude)}")
    for cat in pack.categories:
        out += ["", f"[categories.{_key(cat.id)}]", f"name = {_q(cat.name)}"]
        out.append(f"accept_hours = {cat.accept_hours}")
        out.append(f"resolve_days = {cat.resolve_days}")
        out.append(f"exclude = {_list(cat.exclude)}")
        out.append(f"[categories.{_key(cat.id)}.keywords]")
        out += [f"{_q(k.word)} = {k.weight:g}" for k in cat.keywords]
        out.append(f"[categories.{_key(cat.id)}.synonyms]")
        out += [f"{_q(w)} = {_q(t)}" for w, t in cat.synonyms.items()]
        for rule in cat.co:
            out.append(f"[[categories.{_key(cat.id)}.co]]")
            out.append(f"all = {_list(rule.all)}")
            out.append(f"any = {_list(rule.any)}")
            out.append(f"weight = {rule.weight:g}")
    return "\n".join(out) + "\n"


def _q(text: str) -> str:
    # A JSON string is a valid TOML basic string.
    return json.dumps(text, ensure_ascii=False)


def _key(cid: str) -> str:
    return cid if re.fullmatch(r"[A-Za-z0-9_-]+", cid) else _q(cid)


def _list(words: tuple[str, ...]) -> str:
    return "[" + ", ".join(_q(w) for w in words) + "]"
