"""Accounts of the admin web and the JSON API: people who log in with a password, and API tokens."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, intpk

USER_ROLES = ("admin", "convener")


class User(Base):
    __tablename__ = "users"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))
    # A convener's scope: one building or a grid (and every building under it).
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id", ondelete="SET NULL"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Login attempts are limited per account, in the database so every process agrees.
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_until: Mapped[dt.datetime | None]
    # Sessions issued before a password change or a disable are no longer honoured.
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[dt.datetime]


class ApiToken(Base):
    """A token for the JSON API, acting with its user's rights; only its SHA-256 is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Without it, phone, ID and plate numbers and e-mails in texts and notes reach the token masked.
    personal_data: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[dt.datetime]
    last_used_at: Mapped[dt.datetime | None]


class AdminSession(Base):
    """A signed-in session of the admin web, kept here so that logging out ends it on the server:
    a cookie copied before logout finds no row. Only the SHA-256 of the cookie's key is kept."""

    __tablename__ = "admin_sessions"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime]
