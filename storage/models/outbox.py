"""The outbox: every message louwu sends, written in the same transaction as the change that causes it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, intpk, openid_str

# pending → sent | failed; waiting = no channel reaches the user now, resumed by their next message.
OUTBOX_STATUSES = ("pending", "waiting", "sent", "failed")


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[intpk]
    recipient: Mapped[openid_str] = mapped_column(index=True)
    # alert | update | digest | todo | overdue | reply
    kind: Mapped[str] = mapped_column(String(16))
    # {"text": ..., "fields": {...}}: text for customer-service messages, fields for a template.
    payload: Mapped[dict[str, Any]]
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("issues.id"), index=True)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # pending: when to try next; waiting: the recipient's latest inbound when it was put to wait.
    next_attempt_at: Mapped[dt.datetime]
    # A claim is a lease: a dispatcher that dies mid-send loses it when the lease runs out.
    claimed_until: Mapped[dt.datetime | None]
    channel: Mapped[str | None] = mapped_column(String(16))
    last_error: Mapped[str | None] = mapped_column(Text)
    # Makes scheduled alerts idempotent: the same key is never queued twice.
    dedup_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    created_at: Mapped[dt.datetime]
    sent_at: Mapped[dt.datetime | None]
