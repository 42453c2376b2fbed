"""State every process shares through the database: WeChat's access token, leases and job runs."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class AccessToken(Base):
    """One row per AppID: the token all processes use, and who is refreshing it."""

    __tablename__ = "access_tokens"

    app_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    token: Mapped[str] = mapped_column(Text, default="")
    expires_at: Mapped[dt.datetime]
    refreshing_until: Mapped[dt.datetime | None]


class Lease(Base):
    """A named lease (a channel held after a quota error, a job period claimed by one process)."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    until: Mapped[dt.datetime]
    note: Mapped[str] = mapped_column(Text, default="")


class Setting(Base):
    """A value every process must agree on and no one configures (the admin web's cookie key)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
