"""PostgreSQL connections from the pool: pinged only after being idle, and replaced when dead."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import exc, text

from storage.db import make_engine


async def backend_pid(engine) -> int:
    async with engine.connect() as conn:
        return (await conn.execute(text("select pg_backend_pid()"))).scalar_one()


async def terminate(pg_url: str, pid: int) -> None:
    admin = make_engine(pg_url)
    async with admin.connect() as conn:
        await conn.execute(text("select pg_terminate_backend(:pid)"), {"pid": pid})
    await admin.dispose()


async def test_an_idle_connection_that_died_is_replaced_before_use(pg_url: str) -> None:
    engine = make_engine(pg_url, ping_after_idle=0.2)
    dead = await backend_pid(engine)
    await terminate(pg_url, dead)
    await asyncio.sleep(0.3)
    assert await backend_pid(engine) != dead  # the ping found it gone: no statement failed
    await engine.dispose()


async def test_a_connection_that_died_in_use_fails_once_then_the_pool_starts_afresh(pg_url: str) -> None:
    engine = make_engine(pg_url, ping_after_idle=60)
    dead = await backend_pid(engine)
    await terminate(pg_url, dead)
    with pytest.raises(exc.DBAPIError) as failed:
        await backend_pid(engine)
    assert failed.value.connection_invalidated
    assert await backend_pid(engine) != dead
    await engine.dispose()
