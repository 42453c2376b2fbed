"""What a committee can do to an issue, whether typed in the chat or clicked in the admin web:
each action checks its note and the transition, changes the issue, and tells everyone on it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from handlers import complaints, lifecycle, merging, notify, reply_templates, texts, workdays
from handlers.filters import number_in
from handlers.lifecycle import Refused
from nlp.engine import RulesEngine
from nlp.pack import Category
from storage import repos
from storage.models import Issue, Member

NOTE_EXAMPLES = {
    "进展": "已联系物业",
    "办结": "新食堂已开业",
    "转派": "物业经理 属于设备维修",
    "驳回": "不属于楼务范围",
}
# The transfer that would be this one goes up to the grid leader instead: no ping-pong.
MAX_TRANSFERS = 3
BY_NAME = (
    "accept",
    "progress",
    "resolve",
    "reject",
    "transfer",
    "escalate",
    "recategorise",
    "split",
    "merge",
)
# 受理 and 办结 may come bare: the reply template says the rest.
NEEDS_NOTE = {"progress": "进展", "reject": "驳回"}


def needs_note(word: str, number: int, note: str) -> None:
    if not note:
        raise Refused(texts.NOTE_MISSING.format(word=word, number=number, example=NOTE_EXAMPLES[word]))


async def transition(
    session: AsyncSession,
    issue: Issue,
    name: str,
    actor: str,
    now: dt.datetime,
    category: Category,
    note: str = "",
    holder: Member | None = None,
) -> str:
    """accept, progress, resolve or reject; returns what to tell the one who did it."""
    if name in NEEDS_NOTE:
        needs_note(NEEDS_NOTE[name], issue.number, note)
    lifecycle.check(issue, name)
    if name == "accept":
        if holder is not None:
            issue.assignee_id = holder.id
        # The date people can hold the committee to counts from acceptance, in working days.
        await lifecycle.promise(session, issue, category, now)
    what = await said(session, issue, lifecycle.ACTIONS[name].to or "", category, note)
    told = await lifecycle.apply(session, issue, name, actor, now, note=note, what=what)
    return texts.DONE.format(verb=lifecycle.ACTIONS[name].verb, number=issue.number, count=told, what=what)


async def said(session: AsyncSession, issue: Issue, state: str, category: Category, note: str) -> str:
    """The sentence of the state's reply template; a resolution also asks for a rating."""
    values = reply_templates.Values(
        number=issue.number,
        building=await notify.building_name(session, issue),
        category=category.name,
        due=workdays.say_date(issue.resolve_due) if issue.resolve_due else "",
        note=note,
    )
    what = await reply_templates.sentence(session, category.id, state, values)
    return what + "\n" + texts.RATE_ASK.format(number=issue.number) if state == "resolved" else what


async def transfer(
    session: AsyncSession, issue: Issue, note: str, actor: str, now: dt.datetime, category: Category
) -> str:
    """`对象 理由`: to a member (by name or openid) or to another building's committee; the third
    transfer of an issue goes to the grid leader above instead, with its history."""
    needs_note("转派", issue.number, note)
    query, _, reason = note.strip().partition(" ")
    if not reason.strip():
        raise Refused(texts.TRANSFER_REASON_MISSING.format(number=issue.number))
    lifecycle.check(issue, "transfer")
    done = await repos.issues.count_events(session, issue.id, "transferred")
    if done + 1 >= MAX_TRANSFERS:
        return await _stop_ping_pong(session, issue, reason.strip(), actor, now, category, done + 1)
    target = await _transfer_to(session, issue, query, now, category.name)
    also = await lifecycle.reschedule(session, issue, category, now, f"转派给{target}")
    await lifecycle.apply(
        session, issue, "transfer", actor, now, note=reason.strip(), target=target, also=also
    )
    return texts.TRANSFERRED.format(number=issue.number, target=target)


async def _stop_ping_pong(
    session: AsyncSession,
    issue: Issue,
    reason: str,
    actor: str,
    now: dt.datetime,
    category: Category,
    times: int,
) -> str:
    history = await notify.history_lines(session, issue.id)
    why = f"第{times}次转派"
    target = await lifecycle.go_up(session, issue, category, actor, now, why, f"{why}：{reason}", history)
    if not target:
        raise Refused(texts.ESCALATE_TOP.format(number=issue.number))
    return texts.TRANSFERRED_TOO_OFTEN.format(number=issue.number, times=times - 1, target=target)


async def _transfer_to(
    session: AsyncSession, issue: Issue, query: str, now: dt.datetime, category: str
) -> str:
    for member in await repos.org.members(session):
        if query in (member.name, member.openid):
            issue.assignee_id = member.id
            await notify.alert(session, issue, category, [member], now, tag="转派")
            return member.name
    for building in await repos.org.buildings(session):
        if query in (building.name, building.code, *building.aliases):
            issue.building_id, issue.level = building.id, 0
            members = await lifecycle.route(session, issue, category, now)
            return f"{building.name}楼务会" if members else building.name
    raise Refused(texts.TRANSFER_UNKNOWN.format(target=query))


async def escalate(
    session: AsyncSession, issue: Issue, actor: str, now: dt.datetime, category: Category
) -> str:
    lifecycle.check(issue, "escalate")
    target = await lifecycle.go_up(session, issue, category, actor, now, "楼务会上报")
    if not target:
        raise Refused(texts.ESCALATE_TOP.format(number=issue.number))
    return texts.ESCALATED.format(number=issue.number, target=target)


async def recategorise(
    session: AsyncSession, issue: Issue, category: str, actor: str, now: dt.datetime
) -> None:
    """A person corrects the rules: the issue changes category, and the pair is kept as a labelled
    example for `rules suggest`."""
    if category == issue.category:
        return
    was = issue.category
    issue.category, issue.updated_at = category, now
    await repos.issues.add_event(session, issue.id, "recategorised", actor, f"{was} → {category}", now)
    await repos.rules.add_example(session, issue.text, category, was, issue.id, actor, now)


async def perform(
    db: AsyncSession,
    issue: Issue,
    action: str,
    note: str,
    actor: str,
    now: dt.datetime,
    engine: RulesEngine,
) -> str:
    """One action by its name, as the web and the API send it; Refused or IllegalTransition if not."""
    category = engine.pack.category_or_other(issue.category)
    names = {c.id: c.name for c in engine.pack.categories}
    if action in ("split", "merge"):
        return await _regroup(db, issue, action, note, actor, now, engine)
    if action == "transfer":
        return await transfer(db, issue, note, actor, now, category)
    if action == "escalate":
        return await escalate(db, issue, actor, now, category)
    if action == "recategorise":
        if note not in names:
            raise Refused(f"没有分类「{note}」。")
        await recategorise(db, issue, note, actor, now)
        return f"#{issue.number} 已改为「{names[note]}」，并记为规则的标注样例。"
    return await transition(db, issue, action, actor, now, category, note)


async def _regroup(
    db: AsyncSession, issue: Issue, action: str, note: str, actor: str, now: dt.datetime, engine: RulesEngine
) -> str:
    """split: the supporter (by id) out into an issue of their own; merge: issue #note into this one."""
    number = number_in(note)
    if number is None:
        raise Refused("拆分要选一条附议；合并要写并入的编号，例如 15。")
    if action == "split":
        new = await merging.split(complaints.Filing(db, engine, actor, now), issue, number)
        name = engine.pack.category_or_other(new.category).name
        return texts.SPLIT_DONE.format(number=issue.number, new=new.number, category=name)
    other = await repos.issues.get(db, number)
    if other is None:
        raise Refused(texts.NOT_FOUND.format(number=number))
    moved = await merging.merge(db, issue, other, actor, now)
    return texts.MERGE_DONE.format(number=issue.number, other=other.number, moved=moved)
