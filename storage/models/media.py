"""Pictures and voice a reporter sent, kept as evidence: fetched from WeChat before its temporary media
expire (three days), stripped of metadata, and kept in the media store."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, intpk

# pending → kept | expired | refused | failed; purge: its owner unfollowed, the bytes go at the next round.
MEDIA_STATUSES = ("pending", "kept", "expired", "refused", "failed", "purge")


class MediaItem(Base):
    __tablename__ = "media"
    __table_args__ = (Index("ix_media_due", "status", "next_attempt_at"),)

    id: Mapped[intpk]
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("issues.id"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(
        ForeignKey("reporters.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(8))  # image | voice
    wechat_media_id: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime]
    claimed_until: Mapped[dt.datetime | None]
    note: Mapped[str] = mapped_column(Text, default="")  # why it was not kept
    content_type: Mapped[str] = mapped_column(String(64), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    # The bytes themselves when the store is the database (PostgreSQL without [media] dir).
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    thumb: Mapped[bytes | None] = mapped_column(LargeBinary)
    received_at: Mapped[dt.datetime]
    kept_at: Mapped[dt.datetime | None]
