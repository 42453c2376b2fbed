"""The committee's world: grids (street → cluster → building), buildings and members."""

from __future__ import annotations

import re

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, intpk, openid_str

GRID_LEVELS = ("street", "cluster", "building")
MEMBER_ROLES = ("convener", "member", "grid_leader", "service_team", "admin")
# A grid's or building's code goes into URLs, file names (qr_<code>.png) and WeChat QR scenes (1–64
# characters): letters, digits, "_" and "-", starting with a letter or digit.
CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
CODE_RULE = "a code is 1–64 letters, digits, _ or -, starting with a letter or digit (e.g. kdk, nanxi_west)"


class InvalidCode(ValueError):
    """A code that breaks CODE_PATTERN; the message names it and the rule."""

    def __init__(self, code: str) -> None:
        super().__init__(f"{code!r}: {CODE_RULE}")


def checked_code(code: str) -> str:
    if not CODE_PATTERN.fullmatch(code):
        raise InvalidCode(code)
    return code


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
