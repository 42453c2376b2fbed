"""What every handler receives besides the event: one explicit context, no globals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from nlp.engine import RulesEngine
from nlp.pack import Category
from nlp.similarity import Similarity
from storage.models import Member
from storage.repos.people import Sender


@dataclass(frozen=True)
class TopicSettings:
    """When a complaint joins an open issue instead of filing a new one."""

    threshold: float = 0.25
    window_days: int = 14
    # A reporter may answer `0 另报` this long after being joined, to file on their own instead.
    undo_minutes: int = 10

    @property
    def undo_window(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.undo_minutes)


@dataclass
class HandlerContext:
    session: AsyncSession
    rules: RulesEngine
    now: dt.datetime
    # Every sender has a reporter record (it tracks WeChat's 48-hour window); members have both.
    reporter: Sender
    member: Member | None = None
    # Set by the intake for the inbound row this event came from.
    inbound_id: int | None = None
    # None: topics are off (tests of the intake alone); every complaint files a new issue.
    similarity: Similarity | None = None
    topics: TopicSettings = TopicSettings()

    @property
    def actor(self) -> str:
        """How the timeline names the sender."""
        if self.member is not None:
            return f"member:{self.member.id}:{self.member.name}"
        return f"reporter:{self.reporter.id}"

    def category(self, category_id: str) -> Category:
        return self.rules.pack.category_or_other(category_id)

    def category_name(self, category_id: str) -> str:
        return self.category(category_id).name
