"""Dialect-specific statements the repositories share (upserts that rely on UNIQUE constraints)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

# What the intake's own statements run on: a session, or its connection, which skips the ORM's
# work on every statement (they touch no tracked object, and each batch runs a dozen of them).
Db = AsyncSession | AsyncConnection


async def connection_of(db: Db) -> AsyncConnection:
    return db if isinstance(db, AsyncConnection) else await db.connection()


def dialect_name(db: Db) -> str:
    return (db.dialect if isinstance(db, AsyncConnection) else db.bind.dialect).name


T = TypeVar("T")


def once_per_dialect(build: Callable[[Db], T]) -> Callable[[Db], T]:
    """A statement built at its first use on each dialect, then reused: the intake runs its statements
    for every batch, and building one (an upsert's `excluded` columns, say) costs more than running it."""
    built: dict[str, T] = {}

    def statement(db: Db) -> T:
        name = dialect_name(db)
        if name not in built:
            built[name] = build(db)
        return built[name]

    return statement


def insert_for(db: Db, table: Any) -> Any:
    """An INSERT that supports ON CONFLICT on both SQLite and PostgreSQL."""
    if dialect_name(db) == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
