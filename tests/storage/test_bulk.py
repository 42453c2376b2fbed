"""Rows written by storage.bulk read back exactly as rows SQLAlchemy wrote itself."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, insert, select

from storage.bulk import insert_rows
from storage.db import make_engine
from storage.models import OutboxMessage

NOW = dt.datetime(2026, 12, 2, 8, 0, 0, 123, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 12, 3, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def _row(recipient: str) -> dict:
    return {
        "recipient": recipient,
        "kind": "alert",
        "payload": {"text": '电梯坏了 ]]> "引号"', "fields": {"number": "#1"}},
        "issue_id": None,
        "urgent": True,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": LATER,
        "dedup_key": None,
        "created_at": NOW,
    }


@pytest.fixture
async def engine(db_url):
    engine = make_engine(db_url)
    yield engine
    await engine.dispose()


async def test_bulk_rows_read_back_as_sqlalchemy_written_ones(engine):
    async with engine.begin() as conn:
        await conn.run_sync(lambda sync: insert_rows(sync, OutboxMessage.__table__, [_row("o_bulk")]))
        await conn.execute(insert(OutboxMessage.__table__), [_row("o_core")])
    async with engine.connect() as conn:
        rows = (await conn.execute(select(OutboxMessage.__table__).order_by(OutboxMessage.id))).all()
    bulk, core = (row._asdict() for row in rows)
    assert bulk.pop("id") != core.pop("id")
    assert {**bulk, "recipient": "o_core"} == core
    assert bulk["next_attempt_at"] == LATER and bulk["urgent"] is True


async def test_no_rows_is_no_statement(engine):
    statements: list[str] = []
    event.listen(engine.sync_engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    async with engine.begin() as conn:
        await conn.run_sync(lambda sync: insert_rows(sync, OutboxMessage.__table__, []))
    assert not [s for s in statements if "INSERT" in s.upper()]


async def test_a_multi_row_insert_returns_only_the_rows_it_stored(engine):
    from storage.bulk import insert_returning
    from storage.models import InboundMessage
    from storage.repos._sql import insert_for

    table = InboundMessage.__table__
    async with engine.begin() as conn:
        stmt = insert_for(conn, table).on_conflict_do_nothing(index_elements=["dedup_key"])
        stmt = stmt.returning(table.c.dedup_key)
        rows = [
            {
                "dedup_key": f"msg:{i}",
                "openid": "o",
                "msg_type": "text",
                "raw": "<x/>",
                "received_at": NOW,
                "status": "new",
            }
            for i in (1, 2, 1, 3)
        ]
        first = await conn.run_sync(lambda sync: insert_returning(sync, stmt, rows[:2]))
        second = await conn.run_sync(lambda sync: insert_returning(sync, stmt, rows[2:]))
    assert sorted(first) == [("msg:1",), ("msg:2",)]
    assert second == [("msg:3",)]


def test_a_statement_with_a_literal_of_its_own_is_refused():
    from sqlalchemy import update

    from storage.bulk import _statement_plan

    table = OutboxMessage.__table__
    with pytest.raises(ValueError, match="binds a literal"):
        _statement_plan(update(table).where(table.c.id == 1).values(status="sent"))
