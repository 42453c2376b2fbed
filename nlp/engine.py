"""The rules engine: tag a message with categories, urgency and the reasons, from a rule pack.

Rule words are found with one Aho-Corasick pass over the normalised text (leftmost-longest, as a
dictionary segmenter would cut them), so tagging never needs a full segmentation of the message.
"""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

import ahocorasick

from nlp.normalize import normalize
from nlp.pack import OTHER, RulePack

KEYWORD, EXCLUDE, CO_ANY, URGENT, URGENT_EXCLUDE = "keyword", "exclude", "co", "urgent", "calm"


# Named tuples, not dataclasses: one of each per message on the intake's path, where a frozen
# dataclass's field-by-field __init__ cost more than the matching.
class Match(NamedTuple):
    category: str
    word: str  # as found in the normalised text
    keyword: str  # the keyword it counts as (differs for a synonym)
    weight: float


class Tagging(NamedTuple):
    primary: str
    tags: tuple[str, ...]
    scores: dict[str, float]
    matches: tuple[Match, ...]
    urgent: bool
    urgent_words: tuple[str, ...]
    excluded: dict[str, str]
    threshold: float

    @property
    def why(self) -> str:
        """The decision in words, for people trying the rules (worked out only when asked)."""
        reasons = []
        if self.scores.get(self.primary, 0.0) < self.threshold or self.primary not in self.scores:
            best = max(self.scores.items(), key=lambda kv: kv[1], default=None)
            said = f"{best[0]} {best[1]:g}" if best else "no rule word"
            reasons.append(f"best score below threshold {self.threshold:g} ({said}) → {OTHER}")
        else:
            reasons.append(
                f"{self.primary} scored {self.scores[self.primary]:g} ≥ threshold {self.threshold:g}"
            )
        reasons += [f"{cid} excluded by {word!r}" for cid, word in self.excluded.items()]
        if self.urgent_words and not self.urgent:
            reasons.append(f"urgency words {', '.join(self.urgent_words)} cancelled by an exclusion")
        return "; ".join(reasons)


class _Entry(NamedTuple):
    role: str
    category: str = ""
    keyword: str = ""
    weight: float = 0.0


class RulesEngine:
    """Immutable once built; build a new one when the pack changes."""

    def __init__(self, pack: RulePack) -> None:
        self.pack = pack
        self._order = {cid: i for i, cid in enumerate(pack.category_ids)}
        self._co = {cat.id: cat.co for cat in pack.categories}
        self._entries: dict[str, list[_Entry]] = defaultdict(list)
        for cat in pack.categories:
            weights = {k.word: k.weight for k in cat.keywords}
            for word, weight in weights.items():
                self._entries[word].append(_Entry(KEYWORD, cat.id, word, weight))
            for word, target in cat.synonyms.items():
                self._entries[word].append(_Entry(KEYWORD, cat.id, target, weights[target]))
            for word in cat.exclude:
                self._entries[word].append(_Entry(EXCLUDE, cat.id))
            for rule in cat.co:
                for word in rule.any:
                    self._entries[word].append(_Entry(CO_ANY, cat.id))
        for word in pack.urgency_words:
            self._entries[word].append(_Entry(URGENT))
        for word in pack.urgency_exclude:
            self._entries[word].append(_Entry(URGENT_EXCLUDE))
        self._automaton = ahocorasick.Automaton()
        for word, entries in self._entries.items():
            self._automaton.add_word(word, (word, tuple(entries)))
        if self._entries:
            self._automaton.make_automaton()

    def found(self, text: str) -> list[tuple[str, tuple[_Entry, ...]]]:
        """Rule words in normalised `text`; a Latin word must stand alone (ac ≠ account)."""
        if not self._entries:
            return []
        out = []
        for end, (word, entries) in self._automaton.iter_long(text):
            if word.isascii() and not _stands_alone(text, end + 1 - len(word), end + 1):
                continue
            out.append((word, entries))
        return out

    def tag(self, text: str) -> Tagging:
        norm = normalize(text)
        matches: list[Match] = []
        seen: set[tuple[str, str]] = set()
        excluded: dict[str, str] = {}
        co_hits: set[tuple[str, str]] = set()
        urgent_words: list[str] = []
        calm = False
        for word, entries in self.found(norm):
            for e in entries:
                if e.role == KEYWORD and (e.category, e.keyword) not in seen:
                    seen.add((e.category, e.keyword))
                    matches.append(Match(e.category, word, e.keyword, e.weight))
                elif e.role == EXCLUDE:
                    excluded.setdefault(e.category, word)
                elif e.role == CO_ANY:
                    co_hits.add((e.category, word))
                elif e.role == URGENT:
                    urgent_words.append(word)
                elif e.role == URGENT_EXCLUDE:
                    calm = True
        scores = self._score(matches, seen, co_hits, excluded)
        return self._decide(scores, matches, excluded, tuple(urgent_words), calm)

    def _score(
        self,
        matches: list[Match],
        seen: set[tuple[str, str]],
        co_hits: set[tuple[str, str]],
        excluded: dict[str, str],
    ) -> dict[str, float]:
        scores: dict[str, float] = defaultdict(float)
        for m in matches:
            scores[m.category] += m.weight
        for cid in {c for c, _ in co_hits}:  # a co-rule counts only once one of its words is there
            for rule in self._co[cid]:
                if all((cid, w) in seen for w in rule.all) and any((cid, w) in co_hits for w in rule.any):
                    scores[cid] += rule.weight
        for cid in excluded:
            scores[cid] = 0.0
        return {cid: round(s, 3) for cid, s in scores.items() if s > 0}

    def _decide(
        self,
        scores: dict[str, float],
        matches: list[Match],
        excluded: dict[str, str],
        urgent_words: tuple[str, ...],
        calm: bool,
    ) -> Tagging:
        threshold = self.pack.threshold
        ranked = sorted(scores, key=lambda c: (-scores[c], self._order.get(c, 99)))
        tags = tuple(c for c in ranked if scores[c] >= threshold)
        return Tagging(
            primary=tags[0] if tags else OTHER,
            tags=tags or (OTHER,),
            scores=scores,
            matches=tuple(m for m in matches if m.category not in excluded) if excluded else tuple(matches),
            urgent=bool(urgent_words) and not calm,
            urgent_words=urgent_words,
            excluded=excluded,
            threshold=threshold,
        )


def _stands_alone(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())
