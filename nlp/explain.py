"""Why a message is tagged as it is, in one value: tokens, matches per category, scores, winner,
urgency and the engine's reason. `louwu rules try` prints it; the admin web's try-it box shows it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from nlp.engine import Match, RulesEngine
from nlp.pack import RulePack
from nlp.segment import Segmenter


@dataclass(frozen=True)
class CategoryLine:
    id: str
    name: str
    score: float
    matched: tuple[str, ...]
    excluded_by: str = ""


@dataclass(frozen=True)
class Explanation:
    tokens: tuple[str, ...]
    lines: tuple[CategoryLine, ...]
    winner: str
    winner_name: str
    tags: tuple[str, ...]
    urgent: bool
    urgent_words: tuple[str, ...]
    why: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@lru_cache(maxsize=4)
def _segmenter(words: frozenset[str]) -> Segmenter:
    """Adding the pack's words to the dictionary takes a moment: once per pack."""
    return Segmenter(words)


def shown(m: Match) -> str:
    """A matched word and its weight; a synonym also names the keyword it counts as."""
    word = m.word if m.word == m.keyword else f"{m.word}→{m.keyword}"
    return f"{word}({m.weight:g})"


def explain(pack: RulePack, text: str, engine: RulesEngine | None = None) -> Explanation:
    engine = engine or RulesEngine(pack)
    t = engine.tag(text)
    lines = []
    for cat in pack.categories:
        matched = tuple(shown(m) for m in t.matches if m.category == cat.id)
        score = t.scores.get(cat.id, 0.0)
        if score or matched or cat.id in t.excluded:
            lines.append(CategoryLine(cat.id, cat.name, score, matched, t.excluded.get(cat.id, "")))
    return Explanation(
        tokens=tuple(_segmenter(frozenset(pack.words())).tokens(text)),
        lines=tuple(lines),
        winner=t.primary,
        winner_name=pack.category_or_other(t.primary).name,
        tags=t.tags,
        urgent=t.urgent,
        urgent_words=t.urgent_words,
        why=t.why,
    )
