"""What louwu tells people about an issue, written to the outbox in the caller's transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from handlers import texts
from nlp.masking import mask_personal
from storage import repos
from storage.models import Issue, Member
from storage.repos.issues import IssueView
from storage.repos.outbox import NewMessage

TITLE_CHARS = 16


def title(issue: IssueView, masked: bool = False) -> str:
    """The first words of the complaint; masked before it is cut, so no half number slips through."""
    flat = " ".join((mask_personal(issue.text) if masked else issue.text).split())
    return flat if len(flat) <= TITLE_CHARS else flat[: TITLE_CHARS - 1] + "…"


def local_time(when: dt.datetime) -> str:
    return when.astimezone(texts.LOCAL_TZ).strftime("%m-%d %H:%M")


def fields(issue: IssueView, now: dt.datetime, masked: bool = False) -> dict[str, str]:
    """The short values a template message carries."""
    local = now.astimezone(texts.LOCAL_TZ)
    return {
        "number": f"#{issue.number}",
        "title": title(issue, masked),
        "status": texts.STATUS_NAMES[issue.status],
        "time": f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}",
    }


async def building_name(session: AsyncSession, issue: IssueView) -> str:
    building = await repos.org.building(session, issue.building_id) if issue.building_id else None
    return building.name if building else "未绑定楼宇"


async def alert(
    session: AsyncSession,
    issue: IssueView,
    category: str,
    members: Iterable[Member],
    now: dt.datetime,
    tag: str = "新反映",
    count: int | None = None,
    history: list[str] | None = None,
) -> None:
    """Tell the members an issue reached them (`category`: its display name); urgent ones go at once.
    `history`: the timeline lines they need to see how it got to them."""
    building = await building_name(session, issue)
    if count is None:
        count = await repos.supporters.raised_by(session, issue.id)
    text = texts.ALERT.format(
        tag=tag,
        number=issue.number,
        building=building,
        category=category,
        urgent=" · 紧急" if issue.urgent else "",
        text=issue.text,
        count=count,
    )
    if history:
        text += "\n" + texts.ALERT_HISTORY + "\n" + "\n".join(history)
    rows = [NewMessage(m.openid, "alert", text, fields(issue, now), issue.id, issue.urgent) for m in members]
    await repos.outbox.enqueue(session, rows, now)


async def history_lines(session: AsyncSession, issue_id: int) -> list[str]:
    """The issue's timeline, one line an event; 附议 left out (900 of them would drown it, the count
    says it)."""
    lines = []
    for event in await repos.timeline.events_of(session, issue_id):
        if event.kind == "supported":
            continue
        note = f"：{event.note}" if event.note and event.kind != "created" else ""
        what = texts.EVENT_NAMES.get(event.kind, event.kind)
        lines.append(texts.TIMELINE_LINE.format(time=local_time(event.created_at), what=what, note=note))
    return lines


async def tell(
    session: AsyncSession, issue: Issue, what: str, now: dt.datetime, skip: Iterable[str] = ()
) -> int:
    """Tell the reporter and every supporter what changed (supporters with personal data masked);
    returns how many were told."""
    skipped = set(skip)
    on = await repos.supporters.audience(session, issue.id)
    text = texts.UPDATE.format(number=issue.number, title=title(issue), what=what)
    masked = texts.UPDATE.format(number=issue.number, title=title(issue, True), what=mask_personal(what))
    rows = [
        NewMessage(o, "update", text, fields(issue, now), issue.id, issue.urgent)
        if o == on.reporter
        else NewMessage(o, "update", masked, fields(issue, now, True), issue.id, issue.urgent)
        for o in on.everyone()
        if o not in skipped
    ]
    await repos.outbox.enqueue(session, rows, now)
    return len(rows)


async def todo_lines(
    session: AsyncSession, issues: list[Issue], category_name: Callable[[str], str], limit: int
) -> list[str]:
    """A member's open issues as 待办 and the daily to-do digest list them: urgent and overdue first."""
    ordered = sorted(issues, key=lambda i: (not i.urgent, -i.overdue, i.id))[:limit]
    return [
        texts.TODO_LINE.format(
            number=issue.number,
            status=texts.STATUS_NAMES[issue.status],
            urgent=" 紧急" if issue.urgent else "",
            overdue=" 超时" if issue.overdue else "",
            building=await building_name(session, issue),
            category=category_name(issue.category),
            count=await repos.supporters.raised_by(session, issue.id),
            title=title(issue),
        )
        for issue in ordered
    ]
