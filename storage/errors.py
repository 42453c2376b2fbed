"""Storage errors, translated once from driver errors so callers decide by type."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError


class StorageError(Exception):
    """Base of the errors this package raises."""


class NotFound(StorageError):
    pass


class Duplicate(StorageError):
    pass


class DatabaseUnavailable(StorageError):
    """The database is down, locked past its busy timeout, refusing connections, or out of disk."""


DISK_FULL = (
    "the disk holding the database is full: nothing new can be stored (messages are refused with 503, "
    "so WeChat retries them) until space is freed; the data already stored is intact"
)


def is_schema_missing(exc: BaseException) -> bool:
    """A table that is not there: the database was never migrated (not an outage)."""
    text = str(exc)
    return "no such table" in text or "UndefinedTableError" in text


def is_full(exc: BaseException) -> bool:
    """The disk under the database is full (SQLite's SQLITE_FULL, PostgreSQL's disk_full)."""
    text = str(exc)
    return "database or disk is full" in text or "DiskFullError" in text or "No space left" in text


def is_unavailable(exc: BaseException) -> bool:
    """True for the driver errors that mean "try again later", not "your data is wrong"."""
    if is_schema_missing(exc):
        return False
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, ConnectionError | TimeoutError)


@asynccontextmanager
async def translated() -> AsyncIterator[None]:
    """Re-raise driver-level availability errors as DatabaseUnavailable."""
    try:
        yield
    except Exception as exc:
        if is_full(exc):
            raise DatabaseUnavailable(DISK_FULL) from exc
        if is_unavailable(exc):
            raise DatabaseUnavailable(str(exc).splitlines()[0]) from exc
        raise
