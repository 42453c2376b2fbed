"""Reporters: the office workers who talk to the Official Account."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, intpk, openid_str


class Reporter(Base):
    __tablename__ = "reporters"

    id: Mapped[intpk]
    openid: Mapped[openid_str] = mapped_column(unique=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"))
    subscribed: Mapped[bool] = mapped_column(Boolean, default=True)
    first_seen_at: Mapped[dt.datetime]
    last_inbound_at: Mapped[dt.datetime]
    # WeChat's customer-service quota: 5 sends within 48 h of a real message, 3 within a minute of
    # a subscribe, scan or menu click; each counted from that inbound.
    last_message_at: Mapped[dt.datetime | None]
    message_sends: Mapped[int] = mapped_column(Integer, default=0)
    last_event_at: Mapped[dt.datetime | None]
    event_sends: Mapped[int] = mapped_column(Integer, default=0)
    # A multi-step dialogue in progress (choosing a building among several): its name and data.
    step: Mapped[str | None] = mapped_column(String(32))
    step_data: Mapped[dict[str, Any] | None]
