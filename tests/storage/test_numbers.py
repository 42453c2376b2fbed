"""Issue numbers: a batch that says how many it may file gets its numbers in one go (PostgreSQL), and
the numbers it did not use go to the next transaction, so one process files without gaps."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import event

from storage import repos
from storage.db import make_engine, make_sessionmaker
from storage.repos.issues import NewIssue

NOW = dt.datetime(2026, 12, 5, 8, 0, tzinfo=dt.UTC)


def _new() -> NewIssue:
    return NewIssue("电梯坏了", "facilities", ("facilities",), {}, False, None, None, None)


async def _file(session, n: int) -> list[int]:
    return [(await repos.issues.create(session, _new(), "reporter:1", NOW)).number for _ in range(n)]


async def test_a_batch_that_files_fewer_than_it_might_leaves_no_gap(sessionmaker):
    async with sessionmaker.begin() as session:
        repos.numbers.may_file(session, 10)
        first = await _file(session, 3)
    async with sessionmaker.begin() as session:
        second = await _file(session, 2)
    assert first + second == list(range(first[0], first[0] + 5))


async def test_a_batch_takes_its_numbers_and_writes_its_issues_in_one_statement_each(pg_url):
    engine = make_engine(pg_url)
    statements: list[str] = []
    event.listen(engine.sync_engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    async with make_sessionmaker(engine).begin() as session:
        repos.numbers.may_file(session, 5)
        await _file(session, 5)
    await engine.dispose()
    assert sum("nextval" in s for s in statements) == 1
    assert sum(s.startswith("INSERT INTO issues ") for s in statements) == 1
