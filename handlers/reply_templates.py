"""Reply templates per category and state, with placeholders: what a reporter hears when a convener
acts, so that `受理 #N` typed on a phone still gives them a full sentence."""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from storage import repos
from storage.models import ANY_CATEGORY

# The states a member's action leads to, and the command that leads there.
STATES = {"accepted": "受理", "in_progress": "进展", "resolved": "办结", "rejected": "驳回"}
PLACEHOLDERS = ("number", "building", "category", "due", "note")
# Without a note the sentence must still stand; 进展 and 驳回 always carry one (the news, the reason).
DEFAULTS = {
    "accepted": "已被「{building}」楼务会受理，预计 {due} 前办结。{note}",
    "in_progress": "有新进展：{note}",
    "resolved": "已由「{building}」楼务会办结。{note}",
    "rejected": "不予受理。理由：{note}",
}
NEEDS_NOTE = ("in_progress", "rejected")
MAX_CHARS = 300
AUDIT = "reply_templates"


class TemplateError(ValueError):
    """A template louwu would not send; the message says what to change."""


@dataclass(frozen=True)
class Values:
    number: int
    building: str
    category: str
    due: str
    note: str


def check(state: str, text: str) -> str:
    """The template as stored, or TemplateError naming what is wrong."""
    if state not in STATES:
        raise TemplateError(f"没有状态「{state}」；可用：{', '.join(STATES)}")
    text = text.strip()
    if not text:
        raise TemplateError("模板不能为空；要恢复默认句子，请删除模板。")
    if len(text) > MAX_CHARS:
        raise TemplateError(f"模板最长 {MAX_CHARS} 字，现在 {len(text)} 字。")
    try:
        names = {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}
    except ValueError:
        raise TemplateError("花括号不成对：占位符写作 {number}，花括号本身写作 {{ 和 }}。") from None
    unknown = sorted(names - set(PLACEHOLDERS))
    if unknown:
        known = "、".join("{" + p + "}" for p in PLACEHOLDERS)
        raise TemplateError(f"不认识的占位符 {{{unknown[0]}}}；可用：{known}")
    if state in NEEDS_NOTE and "note" not in names:
        raise TemplateError(f"「{STATES[state]}」的模板要包含 {{note}}：成员写的说明或理由。")
    return text


def fill(text: str, v: Values) -> str:
    """The sentence; a note the template has no place for follows it, so nothing typed is lost."""
    said = text.format(number=v.number, building=v.building, category=v.category, due=v.due, note=v.note)
    if v.note and "{note}" not in text:
        said = f"{said}（说明：{v.note}）"
    return said.strip()


async def sentence(session: AsyncSession, category: str, state: str, v: Values) -> str:
    """What everyone on an issue hears when it reaches `state`: the admins' template of its
    category, else theirs for every category, else the built-in one."""
    row = await repos.templates.find(session, category, state)
    return fill(row.text if row else DEFAULTS[state], v)


async def save(
    session: AsyncSession, category: str, state: str, text: str, actor: str, now: dt.datetime
) -> None:
    """Set (or, with empty `text`, remove) a template, audited."""
    category = category or ANY_CATEGORY
    key = f"{category}/{state}"
    if not text.strip():
        before = await repos.templates.remove(session, category, state)
        repos.rules.add_audit(session, AUDIT, actor, f"remove {key}", before, "", now)
        return
    text = check(state, text)
    before = await repos.templates.put(session, category, state, text, actor, now)
    repos.rules.add_audit(session, AUDIT, actor, f"set {key}", before, text, now)


def example(text: str, category: str = "餐饮就餐") -> str:
    """How a template reads with made-up values (the admin web's preview)."""
    return fill(text, Values(12, "凯迪克大厦", category, "12月3日", ""))
