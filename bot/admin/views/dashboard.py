"""The dashboard: issues per category per week, open against resolved, time to accept and to resolve,
satisfaction, tagging health, the topics most people raised, and what is overdue; as charts, within
the user's scope."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter

from aiohttp import web

from bot.admin import USER, charts, render
from bot.admin.scope import scope_of
from bot.admin.views.issues import categories
from bot.keys import CLOCK, CONFIG, SESSIONMAKER
from handlers import spikes
from handlers.texts import LOCAL_TZ
from storage import repos
from storage.models import OPEN_STATUSES, Building
from storage.repos.board import BoardQuery
from storage.repos.stats import IssueFacts

WEEKS = 12
RATING_COLORS = ("#07c160", "#e3a008", "#e02424")


def routes(router: web.UrlDispatcher) -> None:
    router.add_get("/dashboard", page)


def week_of(when: dt.datetime) -> dt.date:
    day = when.astimezone(LOCAL_TZ).date()
    return day - dt.timedelta(days=day.weekday())


async def page(request: web.Request) -> web.Response:
    now = request.config_dict[CLOCK].now()
    weeks = [week_of(now) - dt.timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]
    since = dt.datetime.combine(weeks[0], dt.time(), LOCAL_TZ)
    async with request.config_dict[SESSIONMAKER]() as db:
        where = await scope_of(db, request[USER])
        facts = await repos.stats.facts(db, since, where.buildings)
        names = await categories(request, db)
        top = await repos.board.board(
            db, BoardQuery(status="open", sort="supporters", size=5, within=where.buildings)
        )
        cfg = request.config_dict[CONFIG].spikes
        window = dt.timedelta(hours=cfg.window_hours)
        buildings = {b.id: b for b in await repos.org.buildings(db)}
        found = spikes.find_spikes(
            await repos.issues.created_since(db, now - window), buildings, cfg.min_issues
        )
    labels = [f"{w.month}/{w.day}" for w in weeks]
    health = tagging_health(facts, weeks)
    used = [c for c in names if any(f.category == c for f in facts)]
    return await render(
        request,
        "dashboard.html",
        total=len(facts),
        open_now=sum(f.status in OPEN_STATUSES for f in facts),
        overdue=sum(f.status in OPEN_STATUSES and f.overdue > 0 for f in facts),
        per_week=charts.stacked_bars(labels, per_week(facts, weeks, used), "每周反映数（按分类）"),
        legend=charts.legend([names[c] for c in used]),
        flow=charts.lines(labels, open_vs_resolved(facts, weeks, now), "每周末未办结与累计办结"),
        accept=charts.hbars(medians(facts, names, "accept"), "受理用时中位数"),
        resolve=charts.hbars(medians(facts, names, "resolve"), "办结用时中位数"),
        ratings=charts.hbars(satisfaction(facts), "满意度", RATING_COLORS),
        tagging=charts.lines(labels, health, "分类质量（每周，百分比与件数）"),
        tagging_legend=charts.legend(list(health)),
        top=top.rows,
        names=names,
        spikes=[
            _spike_line(s, names, buildings)
            for s in found
            if any(where.allows(i.building_id) for i in s.issues)
        ],
        spike_hours=round(cfg.window_hours),
    )


def _spike_line(spike: spikes.Spike, names: dict[str, str], buildings: dict[int, Building]) -> str:
    where = "、".join(sorted({buildings[i.building_id or 0].name for i in spike.issues}))
    numbers = " ".join(f"#{i.number}" for i in spike.issues[:10])
    return f"「{names.get(spike.category, spike.category)}」{len(spike.issues)} 件（{where}）：{numbers}"


def per_week(facts: list[IssueFacts], weeks: list[dt.date], used: list[str]) -> dict[str, list[int]]:
    counts = Counter((f.category, week_of(f.created_at)) for f in facts)
    return {c: [counts[(c, w)] for w in weeks] for c in used}


def open_vs_resolved(facts: list[IssueFacts], weeks: list[dt.date], now: dt.datetime) -> dict[str, list[int]]:
    ends = [min(dt.datetime.combine(w + dt.timedelta(days=7), dt.time(), LOCAL_TZ), now) for w in weeks]
    open_at = [
        sum(f.created_at < e and (f.resolved_at is None or f.resolved_at >= e) for f in facts) for e in ends
    ]
    done_by = [sum(f.resolved_at is not None and f.resolved_at < e for f in facts) for e in ends]
    return {"未办结": open_at, "累计办结": done_by}


def medians(facts: list[IssueFacts], names: dict[str, str], stage: str) -> list[tuple[str, float, str]]:
    hours: dict[str, list[float]] = {}
    for f in facts:
        end = f.accepted_at if stage == "accept" else f.resolved_at
        if end is not None:
            hours.setdefault(f.category, []).append((end - f.created_at).total_seconds() / 3600)
    rows = []
    for cid, values in sorted(hours.items()):
        m = statistics.median(values)
        shown = f"{m:.1f} 小时" if m < 48 else f"{m / 24:.1f} 天"
        rows.append((names.get(cid, cid), m, f"{shown}（{len(values)} 件）"))
    return rows


def tagging_health(facts: list[IssueFacts], weeks: list[dt.date]) -> dict[str, list[int | None]]:
    """Per week of filing: the share first tagged 其他, how many people corrected, and the share of
    first tags nobody had to correct (an estimate of the tagger's accuracy); a week with no new
    issue has no share."""
    filed = Counter(week_of(f.created_at) for f in facts)
    other = Counter(week_of(f.created_at) for f in facts if f.first_tag == "other")
    fixed = Counter(week_of(f.created_at) for f in facts if f.corrected)

    def share(counts: Counter[dt.date], w: dt.date) -> int | None:
        return round(100 * counts[w] / filed[w]) if filed[w] else None

    return {
        "其他占比 %": [share(other, w) for w in weeks],
        "改类件数": [fixed[w] for w in weeks],
        "首次分类准确率 %": [None if filed[w] == 0 else 100 - (share(fixed, w) or 0) for w in weeks],
    }


def satisfaction(facts: list[IssueFacts]) -> list[tuple[str, float, str]]:
    counts = Counter(f.rating for f in facts if f.rating)
    rated = sum(counts.values()) or 1
    return [
        (name, counts[n], f"{counts[n]} 件（{100 * counts[n] / rated:.0f}%）")
        for n, name in ((1, "满意"), (2, "基本满意"), (3, "不满意"))
    ]
