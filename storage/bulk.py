"""Statements over many rows at once: plain inserts, a statement per row, a multi-row INSERT …
RETURNING.

On SQLite the rows go to the driver as tuples, each value converted as its column's type would be
(SQLAlchemy builds and processes a parameter dictionary per row, which cost the intake more than
SQLite's own work); on other backends SQLAlchemy runs them as usual. The statements' bind
parameters are named after the rows' keys, and they bind no literal of their own.
"""

from __future__ import annotations

import functools
import json
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Connection, Executable, Insert, Table, bindparam, insert
from sqlalchemy.dialects import sqlite

from storage.models.base import UTCDateTime, sqlite_text

# A row: a dict by column name, or (for inserts) a named tuple whose fields are column names.
Row = Any


def insert_rows(conn: Connection, table: Table, rows: Sequence[Row]) -> None:
    """Insert `rows` (all of one shape) into `table`."""
    if not rows:
        return
    fields = getattr(rows[0], "_fields", None)
    if conn.dialect.name != "sqlite":
        conn.execute(_insert(table), [row._asdict() for row in rows] if fields else rows)
        return
    plan = _plan(table, fields or tuple(rows[0]), fields is not None)
    conn.exec_driver_sql(plan.sql, [plan.values(row) for row in rows])


def execute_many(conn: Connection, stmt: Executable, rows: Sequence[Row]) -> None:
    """Run `stmt` once per row (an UPDATE … WHERE id = :row, say)."""
    if not rows:
        return
    if conn.dialect.name != "sqlite":
        conn.execute(stmt, rows)
        return
    plan = _statement_plan(stmt)
    conn.exec_driver_sql(plan.sql, [plan.values(row) for row in rows])


def insert_returning(conn: Connection, stmt: Insert, rows: Sequence[Row]) -> list[tuple[Any, ...]]:
    """Insert `rows` with one multi-row INSERT … RETURNING (ON CONFLICT included); the returned
    columns must need no conversion (ids, keys, text)."""
    if not rows:
        return []
    if conn.dialect.name != "sqlite":
        return [tuple(r) for r in conn.execute(stmt, rows)]
    plan = _returning_plan(stmt, tuple(rows[0]))
    params = [value for row in rows for value in plan.values(row)]
    return [tuple(r) for r in conn.exec_driver_sql(plan.sql_for(len(rows)), tuple(params))]


@functools.cache  # built once per table: building costs more than running it on a batch
def _insert(table: Table) -> Insert:
    return insert(table)


@dataclass(frozen=True)
class _Plan:
    sql: str
    take: Callable[[Row], tuple[Any, ...]]  # the row's values in the statement's order
    convert: tuple[tuple[int, Callable[[Any], Any]], ...]  # (position, converter) where needed
    names: tuple[str, ...] = ()  # the statement's parameters, in order

    def values(self, row: Row) -> tuple[Any, ...]:
        values = self.take(row)
        if not self.convert:
            return values
        converted = list(values)
        for i, convert in self.convert:
            converted[i] = convert(converted[i])
        return tuple(converted)


@dataclass(frozen=True)
class _ReturningPlan(_Plan):
    head: str = ""  # the statement up to VALUES, its one row group, and what follows
    group: str = ""
    tail: str = ""

    def sql_for(self, n: int) -> str:
        return _rows_sql(self.head, self.group, self.tail, n)


@functools.lru_cache(maxsize=512)  # one per batch size
def _rows_sql(head: str, group: str, tail: str, n: int) -> str:
    return head + ", ".join([group] * n) + tail


@functools.cache
def _plan(table: Table, columns: tuple[str, ...], positional: bool = False) -> _Plan:
    """`positional`: rows are tuples in the order of `columns` (named tuples)."""
    _check_all_given(table, columns)
    plan = _statement_plan(insert(table).values({c: bindparam(c) for c in columns}))
    if not positional:
        return plan
    order = [columns.index(name) for name in plan.names]
    return _Plan(plan.sql, operator.itemgetter(*order), plan.convert, tuple(columns[i] for i in order))


def _check_all_given(table: Any, columns: tuple[str, ...]) -> None:
    """Python-side defaults are SQLAlchemy's to fill in: rows here must give those columns."""
    missing = [c.name for c in table.columns if c.default is not None and c.name not in columns]
    if missing:
        raise ValueError(f"storage.bulk: rows for {table.name} must give {', '.join(missing)}")


@functools.cache
def _statement_plan(stmt: Executable) -> _Plan:
    compiled = stmt.compile(dialect=sqlite.dialect())
    order = tuple(compiled.positiontup or ())
    kinds = [compiled.binds[name].type for name in order]
    if any(compiled.binds[name].value is not None for name in order):
        raise ValueError("storage.bulk: the statement binds a literal; write true() or literal_column()")
    return _Plan(compiled.string, _taker(order), _converters(kinds), order)


@functools.cache
def _returning_plan(stmt: Insert, columns: tuple[str, ...]) -> _ReturningPlan:
    plan = _statement_plan(stmt.values({c: bindparam(c) for c in columns}))
    _check_all_given(stmt.table, columns)
    group = "(" + ", ".join("?" * len(columns)) + ")"
    head, found, tail = plan.sql.partition("VALUES " + group)
    if not found or group in tail:
        raise ValueError(f"storage.bulk: cannot repeat the VALUES of {plan.sql!r}")
    return _ReturningPlan(plan.sql, plan.take, plan.convert, plan.names, head + "VALUES ", group, tail)


def _taker(order: tuple[str, ...]) -> Callable[[Row], tuple[Any, ...]]:
    if len(order) == 1:
        return lambda row: (row[order[0]],)
    return operator.itemgetter(*order)


def _converters(kinds: list[Any]) -> tuple[tuple[int, Callable[[Any], Any]], ...]:
    found = ((i, _converter(kind)) for i, kind in enumerate(kinds))
    return tuple((i, f) for i, f in found if f is not None)


def _converter(kind: Any) -> Callable[[Any], Any] | None:
    """What SQLAlchemy's SQLite dialect would bind for a value of this column type."""
    if isinstance(kind, UTCDateTime):
        return sqlite_text
    if isinstance(kind, JSON):
        return json.dumps  # None too becomes 'null', as SQLAlchemy's JSON writes it by default
    return None
