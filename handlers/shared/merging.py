"""Merges a person can undo: a reporter's `0 另报` takes their complaint back out of the issue it
joined; a convener's 拆分 moves a supporter's complaint into an issue of its own, and 合并 folds one
issue into another. Each is on both timelines and told to everyone it concerns."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from handlers import texts
from handlers.complaints import Filing, file_routed
from handlers.shared import notify
from handlers.shared.lifecycle import Refused
from storage import repos
from storage.models import OPEN_STATUSES, Issue, Supporter
from storage.repos.issues import IssueView
from storage.repos.outbox import NewMessage


def splittable(supporters: list[Supporter]) -> list[Supporter]:
    """The supporters who joined with a complaint of their own (附议 by number has none to split)."""
    return [s for s in supporters if s.text]


async def take_out(f: Filing, issue: Issue, supporter: Supporter) -> IssueView:
    """File a supporter's complaint as its own issue of the same building, routed as new."""
    if issue.status not in OPEN_STATUSES:
        raise Refused(texts.SPLIT_CLOSED.format(number=issue.number, status=texts.STATUS_NAMES[issue.status]))
    inbound = Filing(f.session, f.rules, f.actor, f.now, supporter.inbound_id)
    new = await file_routed(inbound, supporter.text, issue.building_id, supporter.reporter_id)
    await repos.supporters.remove_supporter(f.session, supporter.id)
    await repos.timeline.add_event(f.session, new.id, "split", f.actor, f"从 #{issue.number} 拆出", f.now)
    return new


async def undo_join(f: Filing, reporter_id: int, window: dt.timedelta) -> tuple[Issue, IssueView]:
    """`0 另报`: the reporter's latest complaint that joined an issue, filed on its own instead.
    Returns (the issue it left, the new one); Refused with the reason it cannot."""
    latest = await repos.supporters.latest_join(f.session, reporter_id)
    if latest is None:
        raise Refused(texts.UNDO_NONE)
    supporter, issue = latest
    if f.now - supporter.created_at > window:
        minutes = int(window.total_seconds() // 60)
        raise Refused(texts.UNDO_LATE.format(number=issue.number, minutes=minutes))
    new = await take_out(f, issue, supporter)
    await repos.timeline.add_event(
        f.session, issue.id, "unsupported", f.actor, f"另报为 #{new.number}", f.now
    )
    return issue, new


async def split(f: Filing, issue: Issue, supporter_id: int) -> IssueView:
    """A convener's 拆分: the supporter's complaint becomes its own issue; they are told."""
    found = [s for s in await repos.supporters.of_issue(f.session, issue.id) if s.id == supporter_id]
    if not found or not found[0].text:
        raise Refused(texts.SPLIT_UNKNOWN.format(number=issue.number))
    supporter = found[0]
    new = await take_out(f, issue, supporter)
    await repos.timeline.add_event(f.session, issue.id, "split", f.actor, f"拆出 #{new.number}", f.now)
    openid = await repos.people.openid_of(f.session, supporter.reporter_id)
    if openid:
        told = texts.SPLIT_TOLD.format(number=issue.number, new=new.number)
        await repos.outbox.enqueue(f.session, [NewMessage(openid, "update", told, issue_id=new.id)], f.now)
    return new


async def merge(session: AsyncSession, into: Issue, other: Issue, actor: str, now: dt.datetime) -> int:
    """合并: #other's reporter and supporters become supporters of #into, and #other closes with a
    pointer; everyone on #other is told. Returns how many people moved."""
    if into.id == other.id:
        raise Refused(texts.MERGE_SAME.format(number=into.number))
    for issue in (into, other):
        if issue.status not in OPEN_STATUSES:
            status = texts.STATUS_NAMES[issue.status]
            raise Refused(texts.MERGE_CLOSED.format(number=issue.number, status=status))
    on_other = await repos.supporters.audience(session, other.id)
    moved = await repos.supporters.move_people(session, other, into)
    other.status, other.merged_into, other.updated_at = "merged", into.id, now
    into.updated_at = now
    await repos.timeline.add_event(session, other.id, "merged", actor, f"并入 #{into.number}", now)
    await repos.timeline.add_event(
        session, into.id, "merged", actor, f"并入 #{other.number}（{moved} 人）", now
    )
    # They did not raise #into: its words reach them masked.
    told = texts.MERGED_TOLD.format(
        number=other.number, into=into.number, title=notify.title(into, masked=True)
    )
    rows = [NewMessage(o, "update", told, issue_id=into.id) for o in on_other.everyone()]
    await repos.outbox.enqueue(session, rows, now)
    return moved
