"""The tagger: keyword rules first, a learned model beside them, urgency, and the reasons.

Rule words are found with one Aho-Corasick pass over the normalised text (leftmost-longest, as a
dictionary segmenter would cut them), so tagging never needs a full segmentation of the message.
The model (nlp/model.py) decides where the rules are silent or where it is sure and they are not;
`other` only when neither is confident.
"""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

import ahocorasick

from nlp.danger import present
from nlp.model import Reading, TextModel
from nlp.normalize import normalize
from nlp.pack import OTHER, RulePack

KEYWORD, EXCLUDE, CO_ANY, URGENT, URGENT_EXCLUDE = "keyword", "exclude", "co", "urgent", "calm"
RULES, MODEL, NONE = "rules", "model", "none"


class ModelSettings(NamedTuple):
    """When the model speaks: above `sure` (its margin) it overrides rules that disagree; where the
    rules are silent it decides above `floor`; below that the message is `other`."""

    sure: float = -0.5
    floor: float = -0.9
    # A rule score this high stands whatever the model says: an admin's strong word is obeyed.
    rules_sure: float = 5.0
    # Where no danger word was found, the danger head's margin above which a message is urgent.
    danger_sure: float = 0.1
    # Where every danger word was read as calm in its context, the margin that still makes it urgent:
    # the cues are words ("还好" in "还好我们跑出来了，楼里还有人被困"), the head has read the whole.
    danger_over_calm: float = 0.6


DEFAULT_SETTINGS = ModelSettings()


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
    layer: str = RULES  # which layer decided: rules, model, or none (other)
    reading: Reading | None = None

    @property
    def why(self) -> str:
        """The decision in words, for people trying the rules (worked out only when asked)."""
        if self.reading is not None:
            return self._why_both(self.reading)
        return self._why_rules()

    def _why_both(self, reading: Reading) -> str:
        top = ", ".join(f"{g.category} {g.probability:.0%}" for g in reading.ranked[:3])
        danger = ""
        if self.urgent and not self.urgent_words and reading.danger is not None:
            danger = f"; urgent by the model's danger head (margin {reading.danger:+.2f}), no danger word"
        said = {
            RULES: f"rules: {self._why_rules()}; "
            + (
                "the model agrees"
                if reading.best.category == self.primary
                else "the rules stand over the model"
            )
            + f" ({top})",
            MODEL: f"model: {top}, margin {reading.margin:+.2f} (rules said {self._rules_said()})",
            NONE: f"neither layer is confident (rules: {self._rules_said()}; model: {top}) → {OTHER}",
        }
        return said[self.layer] + danger

    def _rules_said(self) -> str:
        best = max(self.scores.items(), key=lambda kv: kv[1], default=None)
        return f"{best[0]} {best[1]:g}" if best else "no rule word"

    def _why_rules(self) -> str:
        reasons = []
        if self.scores.get(self.primary, 0.0) < self.threshold or self.primary not in self.scores:
            reasons.append(f"best score below threshold {self.threshold:g} ({self._rules_said()}) → {OTHER}")
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


class _Word(NamedTuple):
    """What finding one rule word means, sorted by role once when the engine is built."""

    word: str
    latin: bool  # must stand alone (ac ≠ account)
    entries: tuple[_Entry, ...]
    keywords: tuple[tuple[str, str, float], ...]  # (category, keyword it counts as, weight)
    excludes: tuple[str, ...]
    co: tuple[str, ...]
    urgent: bool
    calm: bool


class RulesEngine:
    """Immutable once built; build a new one when the pack changes."""

    def __init__(
        self, pack: RulePack, model: TextModel | None = None, settings: ModelSettings = DEFAULT_SETTINGS
    ) -> None:
        self.pack = pack
        self.model = model
        self.settings = settings
        self._order = {cid: i for i, cid in enumerate(pack.category_ids)}
        # Each category's co-rules as sets: (every one of, at least one of, weight).
        self._co = {
            cat.id: tuple((frozenset(r.all), frozenset(r.any), r.weight) for r in cat.co)
            for cat in pack.categories
        }
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
            self._automaton.add_word(word, _word(word, entries))
        if self._entries:
            self._automaton.make_automaton()

    def _words(self, text: str) -> list[_Word]:
        if not self._entries:
            return []
        return [
            w
            for end, w in self._automaton.iter_long(text)
            if not w.latin or _stands_alone(text, end + 1 - len(w.word), end + 1)
        ]

    def found(self, text: str) -> list[tuple[str, tuple[_Entry, ...]]]:
        """Rule words in normalised `text`; a Latin word must stand alone (ac ≠ account)."""
        return [(w.word, w.entries) for w in self._words(text)]

    def tag(self, text: str) -> Tagging:
        matches: list[Match] = []
        scores: dict[str, float] = {}
        excluded: dict[str, str] = {}
        co_hits: dict[str, set[str]] = {}
        urgent_words: list[str] = []
        calm = False
        normal = normalize(text)
        for w in self._words(normal):
            for category, keyword, weight in w.keywords:
                if not any(m.category == category and m.keyword == keyword for m in matches):
                    matches.append(Match(category, w.word, keyword, weight))
                    scores[category] = scores.get(category, 0.0) + weight
            for category in w.excludes:
                excluded.setdefault(category, w.word)
            for category in w.co:
                co_hits.setdefault(category, set()).add(w.word)
            if w.urgent:
                urgent_words.append(w.word)
            calm = calm or w.calm
        if co_hits or excluded:
            scores = self._adjust(scores, matches, co_hits, excluded)
        scores = {cid: round(v, 3) for cid, v in scores.items() if v > 0}
        # A danger word counts only where its clause speaks of a danger here and now (nlp/danger.py).
        calm = calm or (bool(urgent_words) and not present(normal, tuple(urgent_words)))
        tagging = self._decide(scores, matches, excluded, tuple(urgent_words), calm)
        if self.model is None:
            return tagging
        # A danger word, or a phrase that calms one ("万一着火"), was read: the head needs a higher bar.
        return self._with_model(tagging, self.model.read(text), calmed=bool(urgent_words) or calm)

    def _with_model(self, tagging: Tagging, reading: Reading, calmed: bool) -> Tagging:
        # Danger in plain words; above a higher bar where the words were read as calm in their context.
        bar = self.settings.danger_over_calm if calmed else self.settings.danger_sure
        if not tagging.urgent and reading.danger is not None and reading.danger > bar:
            tagging = tagging._replace(urgent=True)
        best, ruled = reading.best.category, tagging.primary
        strong = tagging.scores.get(ruled, 0.0) >= self.settings.rules_sure
        if ruled != OTHER and (strong or best == ruled or reading.margin < self.settings.sure):
            return tagging._replace(reading=reading)
        if ruled == OTHER and reading.margin < self.settings.floor:
            return tagging._replace(layer=NONE, reading=reading)
        tags = (best, *[t for t in tagging.tags if t not in (best, OTHER)])
        return tagging._replace(primary=best, tags=tags, layer=MODEL, reading=reading)

    def _adjust(
        self,
        scores: dict[str, float],
        matches: list[Match],
        co_hits: dict[str, set[str]],
        excluded: dict[str, str],
    ) -> dict[str, float]:
        """Co-occurrence rules add their weight; an exclusion word zeroes its category."""
        for cid, hits in co_hits.items():  # a co-rule counts only once one of its words is there
            keywords = {m.keyword for m in matches if m.category == cid}
            for every, one_of, weight in self._co[cid]:
                if every <= keywords and not one_of.isdisjoint(hits):
                    scores[cid] = scores.get(cid, 0.0) + weight
        for cid in excluded:
            scores[cid] = 0.0
        return scores

    def _decide(
        self,
        scores: dict[str, float],
        matches: list[Match],
        excluded: dict[str, str],
        urgent_words: tuple[str, ...],
        calm: bool,
    ) -> Tagging:
        threshold = self.pack.threshold
        ranked = (
            sorted(scores, key=lambda c: (-scores[c], self._order.get(c, 99))) if len(scores) > 1 else scores
        )
        tags = tuple([c for c in ranked if scores[c] >= threshold])
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


def _word(word: str, entries: list[_Entry]) -> _Word:
    return _Word(
        word,
        word.isascii(),
        tuple(entries),
        tuple((e.category, e.keyword, e.weight) for e in entries if e.role == KEYWORD),
        tuple(e.category for e in entries if e.role == EXCLUDE),
        tuple(e.category for e in entries if e.role == CO_ANY),
        any(e.role == URGENT for e in entries),
        any(e.role == URGENT_EXCLUDE for e in entries),
    )


def _stands_alone(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())
