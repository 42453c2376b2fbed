"""未诉先办: at least N new issues of one category in one cluster of buildings (a building's grid)
within a window is a spike; its grid leader gets one alert listing them, once per window, before
anyone has to complain twice. The dashboard marks the same spikes (find_spikes)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from handlers import texts
from handlers.shared import notify, responsibility
from storage import repos
from storage.models import Building, Issue
from storage.repos.outbox import NewMessage

LISTED = 10  # issues named in one alert; the count says the rest


@dataclass(frozen=True)
class Spike:
    grid_id: int | None
    category: str
    issues: tuple[Issue, ...]


def find_spikes(issues: list[Issue], buildings: dict[int, Building], minimum: int) -> list[Spike]:
    groups: dict[tuple[int | None, str], list[Issue]] = defaultdict(list)
    for issue in issues:
        building = buildings.get(issue.building_id or 0)
        if building is not None:
            groups[(building.grid_id, issue.category)].append(issue)
    return [Spike(g, c, tuple(found)) for (g, c), found in groups.items() if len(found) >= minimum]


async def alert(
    session: AsyncSession,
    now: dt.datetime,
    window: dt.timedelta,
    minimum: int,
    category_name: Callable[[str], str],
) -> int:
    """Queue one alert per spike to its grid leaders (a repeat in the same window is skipped by its
    dedup key); returns how many spikes there are."""
    buildings = {b.id: b for b in await repos.org.buildings(session)}
    spikes = find_spikes(await repos.issues.created_since(session, now - window), buildings, minimum)
    if not spikes:
        return 0
    everyone = await repos.org.members(session)
    period = int(now.timestamp() // window.total_seconds())
    for spike in spikes:
        leaders = await responsibility.leaders_above(
            session, everyone, buildings[spike.issues[0].building_id or 0], 1
        )
        text = _text(spike, buildings, window, category_name)
        await repos.outbox.enqueue(
            session,
            [
                NewMessage(
                    m.openid,
                    "alert",
                    text,
                    dedup_key=f"spike:{m.openid}:{spike.grid_id}:{spike.category}:{period}",
                )
                for m in leaders
            ],
            now,
        )
    return len(spikes)


def _text(
    spike: Spike, buildings: dict[int, Building], window: dt.timedelta, category_name: Callable[[str], str]
) -> str:
    lines = [
        texts.SPIKE_LINE.format(
            number=i.number, building=buildings[i.building_id or 0].name, title=notify.title(i)
        )
        for i in spike.issues[:LISTED]
    ]
    head = texts.SPIKE_HEAD.format(
        hours=round(window.total_seconds() / 3600),
        category=category_name(spike.category),
        count=len(spike.issues),
    )
    return "\n".join([head, *lines, texts.SPIKE_TAIL])
