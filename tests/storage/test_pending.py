"""Rows queued in a transaction (storage.pending) are written before anything reads the session,
before the ORM writes objects that point at them, and at commit; a rollback forgets them."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from storage import pending, repos
from storage.models import Issue, IssueEvent, OutboxMessage
from storage.repos.issues import NewIssue

NOW = dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.UTC)


def _new(text: str = "电梯坏了") -> NewIssue:
    return NewIssue(text, "facilities", ("facilities",), {"facilities": 2.0}, False, None, None, None)


async def _count(session, model) -> int:
    return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def test_a_filed_issue_and_its_event_are_written_at_commit(sessionmaker):
    async with sessionmaker.begin() as session:
        filed = await repos.issues.create(session, _new(), "reporter:1", NOW)
        assert pending.KEY in session.info
    async with sessionmaker() as session:
        issue = await session.get(Issue, filed.number)
        assert issue is not None and issue.text == "电梯坏了" and issue.status == "new"
        assert [e.kind for e in await repos.timeline.events_of(session, filed.id)] == ["created"]


async def test_a_read_in_the_same_transaction_sees_what_was_queued(sessionmaker):
    async with sessionmaker.begin() as session:
        first = await repos.issues.create(session, _new("第一件"), "reporter:1", NOW)
        second = await repos.issues.create(session, _new("第二件"), "reporter:1", NOW)
        assert await _count(session, Issue) == 2
        assert (await session.get(Issue, second.id)).text == "第二件"
        assert first.number + 1 == second.number


async def test_objects_of_the_orm_that_point_at_queued_rows_are_written_after_them(sessionmaker):
    async with sessionmaker.begin() as session:
        filed = await repos.issues.create(session, _new(), "reporter:1", NOW)
        session.add(
            OutboxMessage(
                recipient="o_x",
                kind="alert",
                payload={},
                issue_id=filed.id,
                next_attempt_at=NOW,
                created_at=NOW,
            )
        )
        await session.flush()  # the outbox row's foreign key needs the issue first
    async with sessionmaker() as session:
        assert await _count(session, OutboxMessage) == 1


async def test_a_rollback_forgets_what_was_queued(sessionmaker):
    with pytest.raises(RuntimeError):
        async with sessionmaker.begin() as session:
            await repos.issues.create(session, _new(), "reporter:1", NOW)
            raise RuntimeError("a handler failed")
    async with sessionmaker() as session:
        assert await _count(session, Issue) == 0
        assert await _count(session, IssueEvent) == 0


async def test_a_discarded_savepoint_keeps_what_was_written_before_it(sessionmaker):
    async with sessionmaker.begin() as session:
        kept = await repos.issues.create(session, _new("留下"), "reporter:1", NOW)
        await pending.write(session)
        async with session.begin_nested() as savepoint:
            await repos.timeline.add_event(session, kept.id, "progress", "member:1", "不算", NOW)
            pending.discard(session)
            await savepoint.rollback()
    async with sessionmaker() as session:
        assert [e.kind for e in await repos.timeline.events_of(session, kept.id)] == ["created"]
