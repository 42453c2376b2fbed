"""Issue numbers, allocated without an INSERT so that a batch's issues are written together.

SQLite continues from the largest number, which is safe because louwu's SQLite transactions begin
IMMEDIATE: no other writer can be in between. PostgreSQL takes them from the column's sequence, a
block at a time: one round trip for a batch instead of one for each complaint. A block is as long as
the messages left in the batch (`may_file`); the numbers a batch did not use wait in this process for
the next one, so one process files without gaps, and several interleave by at most a batch.
"""

from __future__ import annotations

import weakref
from collections import deque

from sqlalchemy import Engine, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Issue

_HINT = "louwu_may_file"
_LARGEST = select(func.coalesce(func.max(Issue.id), 0))
_BLOCK = text("SELECT nextval(pg_get_serial_sequence('issues', 'id')) FROM generate_series(1, :n)")
# Per engine, so that two databases in one process (tests, the CLI) never share numbers.
_RESERVES: weakref.WeakKeyDictionary[Engine, deque[int]] = weakref.WeakKeyDictionary()


def may_file(session: AsyncSession, n: int) -> None:
    """Say that this transaction may yet file up to `n` issues (the rest of an intake batch)."""
    session.info[_HINT] = n


async def next_number(session: AsyncSession) -> int:
    if session.bind.dialect.name == "postgresql":
        return await _from_sequence(session)
    tx = session.sync_session.get_transaction()
    owner, number = session.info.get("next_issue_number", (None, 0))
    # A new transaction: another writer may have filed issues meanwhile.
    if owner is None or owner() is not tx:
        number = (await session.execute(_LARGEST)).scalar_one() + 1
    # A weak reference: a strong one would tie the session and its transaction in a cycle, left for
    # the garbage collector to find at every batch.
    session.info["next_issue_number"] = (weakref.ref(tx), number + 1)
    return number


async def _from_sequence(session: AsyncSession) -> int:
    reserve = _RESERVES.setdefault(session.bind.sync_engine, deque())
    if not reserve:
        n = max(1, session.info.get(_HINT, 1))
        # The connection, not the session: an ORM statement would first write the rows queued in
        # storage.pending, one INSERT per complaint instead of one for the batch.
        conn = await session.connection()
        block = (await conn.execute(_BLOCK, {"n": n})).scalars()
        # Another task of this process may have added a block meanwhile: smallest first still.
        reserve = _RESERVES[session.bind.sync_engine] = deque(sorted([*reserve, *block]))
    return reserve.popleft()
