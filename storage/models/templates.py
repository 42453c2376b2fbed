"""Reply templates admins write per category and state: the sentence a reporter hears when a
convener types only `受理 #N` or `办结 #N`."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base

ANY_CATEGORY = "*"


class ReplyTemplate(Base):
    __tablename__ = "reply_templates"

    # ANY_CATEGORY: the template of that state for every category without one of its own.
    category: Mapped[str] = mapped_column(String(32), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(128))
    updated_at: Mapped[dt.datetime]
