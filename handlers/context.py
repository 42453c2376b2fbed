"""What every handler receives besides the event: one explicit context, no globals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from nlp.engine import RulesEngine
from storage.models import Member, Reporter


@dataclass
class HandlerContext:
    session: AsyncSession
    rules: RulesEngine
    now: dt.datetime
    # Every sender has a reporter record (it tracks WeChat's 48-hour window); members have both.
    reporter: Reporter
    member: Member | None = None
    # Set by the intake for the inbound row this event came from.
    inbound_id: int | None = None
