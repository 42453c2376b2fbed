"""Edits of a rule pack as pure functions: each returns a new pack, checked as a whole by re-parsing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from nlp.normalize import normalize
from nlp.pack import Category, Keyword, PackError, RulePack, dump_pack, parse_pack

Edit = Callable[[RulePack], RulePack]


def _category(pack: RulePack, cid: str) -> Category:
    try:
        return pack.category(cid)
    except KeyError:
        known = ", ".join(pack.category_ids)
        raise PackError(pack.name, None, f"no category {cid!r} (known: {known})") from None


def _checked(pack: RulePack) -> RulePack:
    # Re-parse the dumped pack so an edit can never store what an import would refuse.
    return parse_pack(dump_pack(pack), pack.name)


def _with(pack: RulePack, cat: Category) -> RulePack:
    return _checked(replace(pack, categories=tuple(cat if c.id == cat.id else c for c in pack.categories)))


def _word(word: str) -> str:
    cleaned = normalize(word).strip()
    if not cleaned:
        raise PackError("edit", None, "empty word")
    return cleaned


def add_keyword(pack: RulePack, cid: str, word: str, weight: float) -> RulePack:
    cat, word = _category(pack, cid), _word(word)
    keywords = [k for k in cat.keywords if k.word != word] + [Keyword(word, weight)]
    return _with(pack, replace(cat, keywords=tuple(keywords)))


def add_synonym(pack: RulePack, cid: str, word: str, keyword: str) -> RulePack:
    cat, word, keyword = _category(pack, cid), _word(word), _word(keyword)
    return _with(pack, replace(cat, synonyms={**cat.synonyms, word: keyword}))


def add_exclusion(pack: RulePack, cid: str, word: str) -> RulePack:
    cat, word = _category(pack, cid), _word(word)
    if word in cat.exclude:
        return pack
    return _with(pack, replace(cat, exclude=(*cat.exclude, word)))


def add_urgency(pack: RulePack, word: str) -> RulePack:
    word = _word(word)
    if word in pack.urgency_words:
        return pack
    return _checked(replace(pack, urgency_words=(*pack.urgency_words, word)))


def remove_word(pack: RulePack, cid: str | None, word: str) -> RulePack:
    """Remove `word` wherever it is in category `cid` (or in the urgency list when cid is None)."""
    word = _word(word)
    if cid is None:
        if word not in pack.urgency_words:
            raise PackError(pack.name, None, f"{word!r} is not an urgency word")
        return _checked(replace(pack, urgency_words=tuple(w for w in pack.urgency_words if w != word)))
    cat = _category(pack, cid)
    keywords = tuple(k for k in cat.keywords if k.word != word)
    synonyms = {w: t for w, t in cat.synonyms.items() if w != word and t != word}
    exclude = tuple(w for w in cat.exclude if w != word)
    if (keywords, synonyms, exclude) == (cat.keywords, dict(cat.synonyms), cat.exclude):
        raise PackError(pack.name, None, f"{word!r} is not a word of {cid}")
    co = tuple(r for r in cat.co if word not in r.all)
    return _with(pack, replace(cat, keywords=keywords, synonyms=synonyms, exclude=exclude, co=co))
