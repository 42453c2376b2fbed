"""Reporters: the office workers who talk to the Official Account."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, intpk, openid_str


class Reporter(Base):
    __tablename__ = "reporters"

    id: Mapped[intpk]
    openid: Mapped[openid_str] = mapped_column(unique=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"))
    subscribed: Mapped[bool] = mapped_column(Boolean, default=True)
    first_seen_at: Mapped[dt.datetime]
    # Opens WeChat's 48-hour customer-service window.
    last_inbound_at: Mapped[dt.datetime]
