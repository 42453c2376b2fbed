"""Every message WeChat delivered, stored before any reply, with the reply it got."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, intpk, openid_str


class InboundMessage(Base):
    __tablename__ = "inbound_messages"

    id: Mapped[intpk]
    # MsgId for messages, FromUserName+CreateTime+Event for events: WeChat's retries collide here.
    dedup_key: Mapped[str] = mapped_column(String(160), unique=True)
    openid: Mapped[openid_str] = mapped_column(index=True)
    msg_type: Mapped[str] = mapped_column(String(32))
    raw: Mapped[str] = mapped_column(Text)
    received_at: Mapped[dt.datetime]
    # received | handled | failed | throttled (over the sender's limit: kept, never handled)
    status: Mapped[str] = mapped_column(String(16), default="handled")
    reply: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
