"""The committee's world: grids (street → cluster → building), buildings and members."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, intpk, openid_str

GRID_LEVELS = ("street", "cluster", "building")
MEMBER_ROLES = ("convener", "member", "grid_leader", "service_team", "admin")


class Grid(Base):
    __tablename__ = "grids"

    id: Mapped[intpk]
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    level: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"))


class Building(Base):
    __tablename__ = "buildings"

    id: Mapped[intpk]
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    aliases: Mapped[list[str]] = mapped_column(default=list)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"))
    duty_phone: Mapped[str | None] = mapped_column(String(32))
    # The permanent scene QR code WeChat made for it (created once, kept).
    qr_ticket: Mapped[str | None] = mapped_column(String(256))
    qr_url: Mapped[str | None] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Member(Base):
    __tablename__ = "members"

    id: Mapped[intpk]
    openid: Mapped[openid_str] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16))
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"))
    # Empty = every category.
    categories: Mapped[list[str]] = mapped_column(default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
