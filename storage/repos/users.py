"""Admin-web accounts: look up, create, and keep the count of failed logins."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AdminSession, ApiToken, User


async def by_name(session: AsyncSession, name: str) -> User | None:
    return (await session.execute(select(User).where(User.name == name))).scalar_one_or_none()


async def get(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def start_session(session: AsyncSession, user: User, key_hash: str, now: dt.datetime) -> None:
    session.add(AdminSession(key_hash=key_hash, user_id=user.id, created_at=now))


async def by_session(session: AsyncSession, key_hash: str) -> User | None:
    """The user a live admin-web session belongs to (None once it was ended)."""
    stmt = select(User).join(AdminSession, AdminSession.user_id == User.id)
    return (await session.execute(stmt.where(AdminSession.key_hash == key_hash))).scalar_one_or_none()


async def end_session(session: AsyncSession, key_hash: str) -> None:
    await session.execute(delete(AdminSession).where(AdminSession.key_hash == key_hash))


async def all_users(session: AsyncSession) -> list[User]:
    return list((await session.execute(select(User).order_by(User.id))).scalars())


async def add(
    session: AsyncSession,
    name: str,
    password_hash: str,
    role: str,
    now: dt.datetime,
    building_id: int | None = None,
    grid_id: int | None = None,
) -> User:
    user = User(
        name=name,
        password_hash=password_hash,
        role=role,
        building_id=building_id,
        grid_id=grid_id,
        active=True,
        failed_logins=0,
        session_epoch=0,
        created_at=now,
    )
    session.add(user)
    await session.flush()
    return user


def set_password(user: User, password_hash: str) -> None:
    """A new password ends every session signed in with the old one."""
    user.password_hash = password_hash
    user.failed_logins, user.locked_until = 0, None
    user.session_epoch += 1


def disable(user: User) -> None:
    user.active = False
    user.session_epoch += 1


async def add_token(
    session: AsyncSession,
    user: User,
    name: str,
    token_hash: str,
    now: dt.datetime,
    personal_data: bool = False,
) -> None:
    session.add(
        ApiToken(
            user_id=user.id,
            name=name,
            token_hash=token_hash,
            active=True,
            personal_data=personal_data,
            created_at=now,
        )
    )


async def by_token(session: AsyncSession, token_hash: str) -> tuple[User, ApiToken] | None:
    """The active user an active API token belongs to, with the token."""
    stmt = (
        select(User, ApiToken)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == token_hash, ApiToken.active.is_(True), User.active.is_(True))
    )
    row = (await session.execute(stmt)).first()
    return (row[0], row[1]) if row else None
