"""Issues, their supporters (附议) and the timeline of everything that happened to them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, synonym

from storage.models.base import Base, intpk

# merged: joined into another issue by a convener (合并); merged_into names it.
STATUSES = ("new", "accepted", "in_progress", "resolved", "closed", "rejected", "withdrawn", "merged")
OPEN_STATUSES = ("new", "accepted", "in_progress")


class Issue(Base):
    __tablename__ = "issues"
    __table_args__ = (Index("ix_issues_building_status", "building_id", "status"),)

    id: Mapped[intpk]
    # The number people see as "#N"; one sequence for the whole deployment.
    number = synonym("id")
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"))
    # NULL once the reporter unsubscribed: the issue stays, de-identified.
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("reporters.id", ondelete="SET NULL"))
    category: Mapped[str] = mapped_column(String(32))
    tags: Mapped[list[str]] = mapped_column(default=list)
    scores: Mapped[dict[str, Any]] = mapped_column(default=dict)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="new")
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16), default="wechat")
    inbound_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_messages.id"))
    # The member who holds it now (routed, accepted, transferred or escalated to).
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    # How many grid levels above the building it has been escalated.
    level: Mapped[int] = mapped_column(Integer, default=0)
    accept_due: Mapped[dt.datetime | None]
    resolve_due: Mapped[dt.datetime | None]
    # 0 on time; 1 the holder was warned; 2 escalated. Reset when the issue moves on.
    overdue: Mapped[int] = mapped_column(Integer, default=0)
    rating: Mapped[int | None] = mapped_column(Integer)
    merged_into: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class IssueEvent(Base):
    __tablename__ = "issue_events"

    id: Mapped[intpk]
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(128))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime]


class Supporter(Base):
    __tablename__ = "supporters"
    __table_args__ = (UniqueConstraint("issue_id", "reporter_id"),)

    id: Mapped[intpk]
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("reporters.id", ondelete="SET NULL"))
    # The complaint that joined it ("" for 附议 by number); what 另报 and 拆分 file on its own.
    text: Mapped[str] = mapped_column(Text, default="")
    inbound_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime]
