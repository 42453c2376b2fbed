"""Keyword rule packs (TOML text, versioned), learned models beside them, and the audit trail."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, intpk


class RulePackRow(Base):
    __tablename__ = "rule_packs"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(64), unique=True)
    body: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    # Bumped on every change; processes compare it to decide whether to reload.
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime]


class RuleAudit(Base):
    __tablename__ = "rule_audit"

    id: Mapped[intpk]
    pack: Mapped[str] = mapped_column(String(64), index=True)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(32))
    before: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime]


class RulesVersion(Base):
    """One row whose counter moves on any rule change: the cheap per-message check."""

    __tablename__ = "rules_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    counter: Mapped[int] = mapped_column(Integer, default=0)


class LabelledExample(Base):
    """A message with the category a person gave it (a re-categorised issue): data for `rules suggest`."""

    __tablename__ = "labelled_examples"

    id: Mapped[intpk]
    text: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(32))
    was: Mapped[str] = mapped_column(String(32), default="")  # what the rules had said
    issue_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[dt.datetime]


class TaggingModel(Base):
    """A trained model of the learned layer (nlp/model.py's gzip'd body), versioned like the packs:
    the newest active one is in force in every process, picked up through RulesVersion."""

    __tablename__ = "tagging_models"

    id: Mapped[intpk]
    body: Mapped[bytes] = mapped_column(LargeBinary)
    examples: Mapped[int] = mapped_column(Integer)  # how many labelled texts it learned from
    corrections: Mapped[int] = mapped_column(Integer, default=0)  # of them, people's re-categorisations
    trained_on: Mapped[str] = mapped_column(String(256))
    actor: Mapped[str] = mapped_column(String(128))
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime]
