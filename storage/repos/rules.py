"""Rule packs in the database: the active one, its version for cheap change checks, and the audit."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import NotFound
from storage.models import LabelledExample, RuleAudit, RulePackRow, RulesVersion, TaggingModel
from storage.repos._sql import Db


async def version(db: Db) -> int:
    """One indexed row read: called often, so processes notice edits made by others."""
    return (await db.execute(_VERSION)).scalar_one_or_none() or 0


_VERSION = select(RulesVersion.counter).where(RulesVersion.id == 1)  # built once: read every batch


async def active(session: AsyncSession) -> RulePackRow | None:
    stmt = select(RulePackRow).where(RulePackRow.active.is_(True)).limit(1)
    return (await session.execute(stmt)).scalar_one_or_none()


async def by_name(session: AsyncSession, name: str) -> RulePackRow:
    stmt = select(RulePackRow).where(RulePackRow.name == name)
    row = (await session.execute(stmt)).scalar_one_or_none()
    if row is None:
        raise NotFound(f"rule pack {name!r}")
    return row


async def all_packs(session: AsyncSession) -> list[RulePackRow]:
    return list((await session.execute(select(RulePackRow).order_by(RulePackRow.id))).scalars())


async def save(
    session: AsyncSession,
    name: str,
    body: str,
    actor: str,
    action: str,
    now: dt.datetime,
    activate: bool = False,
) -> RulePackRow:
    """Create or replace pack `name`, audit before/after, and bump the global version."""
    stmt = select(RulePackRow).where(RulePackRow.name == name)
    row = (await session.execute(stmt)).scalar_one_or_none()
    before = ""
    if row is None:
        row = RulePackRow(name=name, body=body, active=False, version=1, updated_at=now)
        session.add(row)
    else:
        before = row.body
        row.body, row.version, row.updated_at = body, row.version + 1, now
    if activate:
        await _make_active(session, row)
    session.add(RuleAudit(pack=name, actor=actor, action=action, before=before, after=body, at=now))
    await _bump_version(session)
    await session.flush()
    return row


async def activate(session: AsyncSession, name: str, actor: str, now: dt.datetime) -> None:
    await _make_active(session, await by_name(session, name))
    session.add(RuleAudit(pack=name, actor=actor, action="activate", at=now))
    await _bump_version(session)


async def _make_active(session: AsyncSession, row: RulePackRow) -> None:
    await session.execute(update(RulePackRow).values(active=False))
    row.active = True


async def _bump_version(session: AsyncSession) -> None:
    """Every process compares this counter per batch of messages and reloads when it moved."""
    await session.execute(
        update(RulesVersion).where(RulesVersion.id == 1).values(counter=RulesVersion.counter + 1)
    )


# Audited beside the rule packs, under these names; not packs themselves.
NOT_PACKS = ("reply_templates", "holidays", "model")


async def audit(session: AsyncSession, limit: int = 50, of: str | None = None) -> list[RuleAudit]:
    """The newest changes: of the rule packs, or (`of`) of the templates or the holidays."""
    where = RuleAudit.pack == of if of else RuleAudit.pack.not_in(NOT_PACKS)
    stmt = select(RuleAudit).where(where).order_by(RuleAudit.id.desc()).limit(limit)
    return list((await session.execute(stmt)).scalars())


def add_audit(
    session: AsyncSession, of: str, actor: str, action: str, before: str, after: str, now: dt.datetime
) -> None:
    session.add(RuleAudit(pack=of, actor=actor, action=action, before=before, after=after, at=now))


async def add_example(
    session: AsyncSession,
    text: str,
    category: str,
    was: str,
    issue_id: int | None,
    actor: str,
    now: dt.datetime,
) -> None:
    session.add(
        LabelledExample(text=text, category=category, was=was, issue_id=issue_id, actor=actor, created_at=now)
    )


async def examples(session: AsyncSession) -> list[LabelledExample]:
    return list((await session.execute(select(LabelledExample).order_by(LabelledExample.id))).scalars())


async def save_model(
    session: AsyncSession,
    body: bytes,
    examples: int,
    corrections: int,
    trained_on: str,
    actor: str,
    now: dt.datetime,
) -> TaggingModel:
    """Store a trained model as the active one; every process picks it up on its next message."""
    await session.execute(update(TaggingModel).values(active=False))
    row = TaggingModel(
        body=body,
        examples=examples,
        corrections=corrections,
        trained_on=trained_on,
        actor=actor,
        active=True,
        created_at=now,
    )
    session.add(row)
    session.add(RuleAudit(pack="model", actor=actor, action="train", after=trained_on, at=now))
    await _bump_version(session)
    await session.flush()
    return row


async def active_model(session: AsyncSession) -> TaggingModel | None:
    stmt = select(TaggingModel).where(TaggingModel.active.is_(True)).order_by(TaggingModel.id.desc()).limit(1)
    return (await session.execute(stmt)).scalar_one_or_none()


async def count_examples(session: AsyncSession) -> int:
    return await session.scalar(select(func.count(LabelledExample.id))) or 0
