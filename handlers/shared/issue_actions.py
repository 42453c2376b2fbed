"""What a committee can do to an issue, whether typed in the chat or clicked in the admin web:
each action checks its note and the transition, changes the issue, and tells everyone on it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from handlers import access, complaints, reply_templates, texts, workdays
from handlers.filters import number_in
from handlers.shared import lifecycle, merging, notify, responsibility
from handlers.shared.lifecycle import Refused
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
Reach = Callable[[Issue], bool]
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
    done = await repos.timeline.count_events(session, issue.id, "transferred")
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
    target = await lifecycle.escalate(session, issue, category, actor, now, why, f"{why}：{reason}", history)
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


async def escalate_by_member(
    session: AsyncSession, issue: Issue, actor: str, now: dt.datetime, category: Category
) -> str:
    lifecycle.check(issue, "escalate")
    target = await lifecycle.escalate(session, issue, category, actor, now, "楼务会上报")
    if not target:
        raise Refused(texts.ESCALATE_TOP.format(number=issue.number))
    return texts.ESCALATED.format(number=issue.number, target=target)


async def recategorise(
    session: AsyncSession, issue: Issue, category: Category, actor: str, now: dt.datetime, was_name: str
) -> str:
    """A person corrects the tag: the issue changes category, goes to whoever answers for the new one
    (the reporter and supporters are told when the handler changes), and the pair is kept as a
    labelled example that the model learns from."""
    if category.id == issue.category:
        return texts.RECATEGORISED_SAME.format(number=issue.number, category=category.name)
    was = issue.category
    issue.category, issue.updated_at = category.id, now
    await repos.timeline.add_event(
        session, issue.id, "recategorised", actor, f"{was_name} → {category.name}", now
    )
    await repos.rules.add_example(session, issue.text, category.id, was, issue.id, actor, now)
    target = await _reroute(session, issue, category, now) if issue.status in lifecycle.OPEN else ""
    values = {"number": issue.number, "was": was_name, "category": category.name, "target": target}
    if not target:
        return texts.RECATEGORISED.format(**values)
    await notify.tell(session, issue, texts.RECATEGORISED_TOLD.format(**values), now)
    return texts.RECATEGORISED_ROUTED.format(**values)


async def _reroute(session: AsyncSession, issue: Issue, category: Category, now: dt.datetime) -> str:
    """The new holder's names when the new category goes to other people, else ""."""
    members = await responsibility.responsible(session, issue)
    if not members or issue.assignee_id in {m.id for m in members}:
        return ""
    issue.assignee_id = members[0].id
    names = "、".join(m.name for m in members)
    await repos.timeline.add_event(session, issue.id, "routed", "system", names, now)
    await notify.alert(session, issue, category.name, members, now, tag="改类转来")
    return names


def chosen_category(engine: RulesEngine, query: str) -> Category:
    found = engine.pack.find(query)
    if found is None:
        choices = "、".join(c.name for c in engine.pack.categories)
        raise Refused(texts.RECATEGORISE_USAGE.format(choices=choices))
    return found


async def perform(
    db: AsyncSession,
    issue: Issue,
    action: str,
    note: str,
    actor: str,
    now: dt.datetime,
    engine: RulesEngine,
    reaches: Reach,
) -> str:
    """One action by its name, as the web and the API send it; Refused or IllegalTransition if not.
    `reaches` says whether the one acting may touch another issue the action names (a merge's other
    side): the caller has checked `issue` itself."""
    category = engine.pack.category_or_other(issue.category)
    if action in ("split", "merge"):
        return await _regroup(complaints.Filing(db, engine, actor, now), issue, action, note, reaches)
    if action == "transfer":
        return await transfer(db, issue, note, actor, now, category)
    if action == "escalate":
        return await escalate_by_member(db, issue, actor, now, category)
    if action == "recategorise":
        return await recategorise(db, issue, chosen_category(engine, note), actor, now, category.name)
    return await transition(db, issue, action, actor, now, category, note)


async def _regroup(f: complaints.Filing, issue: Issue, action: str, note: str, reaches: Reach) -> str:
    """split: the supporter (by id) out into an issue of their own; merge: issue #note into this one."""
    number = number_in(note)
    if number is None:
        raise Refused("拆分要选一条附议；合并要写并入的编号，例如 15。")
    if action == "split":
        new = await merging.split(f, issue, number)
        name = f.rules.pack.category_or_other(new.category).name
        return texts.SPLIT_DONE.format(number=issue.number, new=new.number, category=name)
    other = await access.numbered(f.session, "合并", number)
    if not reaches(other):  # out of reach reads as absent
        raise access.NoSuchIssue(number)
    moved = await merging.merge(f.session, issue, other, f.actor, f.now)
    return texts.MERGE_DONE.format(number=issue.number, other=other.number, moved=moved)
