"""Which emergency numbers fit the danger words of a message (the words themselves are the rule
pack's [urgency] list, which admins edit): 119 for fire, gas, electricity, collapse and people
trapped; 120 for the injured and the unconscious; 110 for crime. A word that fits none gets all three."""

from __future__ import annotations

NUMBERS = {"119": "火警、被困救援", "120": "急救", "110": "报警"}
# Parts of a danger word that tell which service it needs, checked in order.
_FITS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("119", ("火", "烟", "爆", "燃气", "煤气", "漏气", "天然气", "电", "困", "关在", "塌")),
    ("120", ("晕", "昏", "血", "伤", "砸", "倒")),
    ("110", ("偷", "抢", "打人", "持刀", "闹事", "跟踪")),
)


def numbers_for(words: tuple[str, ...]) -> list[str]:
    """The numbers to call for these danger words, most fitting first."""
    found = [number for number, parts in _FITS if any(p in w for w in words for p in parts)]
    return found or list(NUMBERS)
