"""The access token every process shares, and named leases (held channels, job periods run once)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AccessToken, Lease, Setting
from storage.repos._sql import Db, connection_of, insert_for

_NEVER = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


async def token(session: AsyncSession, app_id: str) -> AccessToken | None:
    return await session.get(AccessToken, app_id, populate_existing=True)


async def begin_refresh(session: AsyncSession, app_id: str, now: dt.datetime, lease: dt.timedelta) -> bool:
    """Take the right to refresh the token for `lease`; False while another process holds it."""
    ins = insert_for(session, AccessToken).values(app_id=app_id, token="", expires_at=_NEVER)
    await session.execute(ins.on_conflict_do_nothing(index_elements=["app_id"]))
    free = (AccessToken.refreshing_until.is_(None)) | (AccessToken.refreshing_until < now)
    stmt = (
        update(AccessToken)
        .where(AccessToken.app_id == app_id, free)
        .values(refreshing_until=now + lease)
        .execution_options(synchronize_session=False)
    )
    return (await session.execute(stmt)).rowcount == 1  # type: ignore[attr-defined]


async def store_token(
    session: AsyncSession, app_id: str, value: str | None, expires_at: dt.datetime | None
) -> None:
    """Save a fresh token (or, with None, just give up the refresh lease)."""
    values: dict[str, object] = {"refreshing_until": None}
    if value is not None and expires_at is not None:
        values |= {"token": value, "expires_at": expires_at}
    stmt = update(AccessToken).where(AccessToken.app_id == app_id).values(**values)
    await session.execute(stmt.execution_options(synchronize_session=False))


async def acquire(
    session: AsyncSession, name: str, holder: str, now: dt.datetime, until: dt.datetime
) -> bool:
    """Take lease `name` unless someone holds it past `now`; True if we have it."""
    table = insert_for(session, Lease)
    stmt = (
        table.values(name=name, holder=holder, until=until, note="")
        .on_conflict_do_update(
            index_elements=["name"],
            set_={"holder": table.excluded.holder, "until": table.excluded.until},
            where=Lease.until < now,
        )
        .returning(Lease.name)
    )
    return (await session.execute(stmt)).first() is not None


async def hold(session: AsyncSession, name: str, until: dt.datetime, note: str) -> None:
    """Set lease `name` until `until` whoever had it (holding a channel after a quota error)."""
    table = insert_for(session, Lease)
    stmt = table.values(name=name, holder="louwu", until=until, note=note).on_conflict_do_update(
        index_elements=["name"], set_={"until": table.excluded.until, "note": table.excluded.note}
    )
    await session.execute(stmt)


async def active(session: AsyncSession, prefix: str, now: dt.datetime) -> list[Lease]:
    stmt = select(Lease).where(Lease.name.startswith(prefix), Lease.until > now).order_by(Lease.name)
    return list((await session.execute(stmt)).scalars())


async def latest(session: AsyncSession, prefix: str) -> str | None:
    """The greatest lease name with this prefix (job periods sort as ISO timestamps)."""
    stmt = select(Lease.name).where(Lease.name.startswith(prefix)).order_by(Lease.name.desc()).limit(1)
    return (await session.execute(stmt)).scalar_one_or_none()


async def setting(db: Db, key: str) -> str | None:
    conn = await connection_of(db)  # read every batch of messages: no ORM work for one value
    return (await conn.execute(_SETTING, {"key": key})).scalar_one_or_none()


_SETTING = select(Setting.__table__.c.value).where(Setting.__table__.c.key == bindparam("key"))


async def put_setting(session: AsyncSession, key: str, value: str) -> None:
    """Insert unless another process did first (then theirs stands)."""
    stmt = insert_for(session, Setting).values(key=key, value=value).on_conflict_do_nothing()
    await session.execute(stmt)
