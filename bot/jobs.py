"""The scheduled work: dispatch the outbox, check deadlines, send the daily digests.

Each job reads state and writes outbox rows in one transaction, idempotently: an overdue stage moves
only from the stage it was read at, an alert carries a dedup key, and a digest period is claimed by
one process once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot import training
from bot.config import Config
from bot.media_keeper import MediaKeeper
from bot.outbox import Dispatcher
from bot.rules import LiveRules
from handlers import spikes, texts
from handlers.shared import lifecycle, notify, responsibility
from nlp.engine import RulesEngine
from nlp.masking import mask_personal
from storage import repos
from storage.models import Issue, Member
from storage.repos.outbox import NewMessage

logger = logging.getLogger("louwu.jobs")
SYSTEM = "system"


@dataclass
class Jobs:
    sessionmaker: async_sessionmaker[AsyncSession]
    config: Config
    now: Callable[[], dt.datetime]
    rules: LiveRules
    dispatcher: Dispatcher
    keeper: MediaKeeper

    @property
    def engine(self) -> AsyncEngine:
        return self.sessionmaker.kw["bind"]  # type: ignore[no-any-return]

    async def dispatch_outbox(self) -> int:
        return await self.dispatcher.run()

    async def keep_media(self) -> int:
        """Fetch and keep the pictures and voice that arrived; remove those of people who left."""
        return await self.keeper.run()

    async def expire_media(self) -> int:
        """Remove media older than [media] retention_days (0: keep them)."""
        days = self.config.media.retention_days
        return await self.keeper.purge(self.now() - dt.timedelta(days=days)) if days > 0 else 0

    async def check_deadlines(self) -> int:
        """Warn the holder once a deadline passes; escalate one grid level once it stays passed."""
        now = self.now()
        grace = dt.timedelta(hours=self.config.deadlines.escalate_after_hours)
        moved = 0
        async with self.sessionmaker.begin() as session:
            tagger = await self.rules.engine(session)
            for issue in await repos.issues.open_issues(session):
                due = issue.accept_due if issue.status == "new" else issue.resolve_due
                if due is None or now < due:
                    continue
                if issue.overdue == 0 and await repos.issues.mark_overdue(session, issue.id, 0, 1):
                    await self._warn(session, tagger, issue, due, now)
                    moved += 1
                elif (
                    issue.overdue == 1
                    and now >= due + grace
                    and await repos.issues.mark_overdue(session, issue.id, 1, 2)
                ):
                    await self._escalate_overdue(session, tagger, issue, now)
                    moved += 1
        if moved:
            self.dispatcher.wake()
        return moved

    async def retrain_if_due(self) -> bool:
        """Retrain the learned layer once enough corrections came in ([tagging] retrain_after)."""
        async with self.sessionmaker.begin() as session:
            if not await training.due(session, self.config.tagging.retrain_after):
                return False
            await training.retrain(session, SYSTEM, self.now())
        return True

    async def check_spikes(self) -> int:
        """Alert grid leaders of spikes (many new issues of one category in one cluster), once a window."""
        cfg = self.config.spikes
        async with self.sessionmaker.begin() as session:
            tagger = await self.rules.engine(session)
            found = await spikes.alert(
                session,
                self.now(),
                dt.timedelta(hours=cfg.window_hours),
                cfg.min_issues,
                lambda c: tagger.pack.category_or_other(c).name,
            )
        if found:
            self.dispatcher.wake()
        return found

    async def _warn(
        self, session: AsyncSession, tagger: RulesEngine, issue: Issue, due: dt.datetime, now: dt.datetime
    ) -> None:
        stage = "受理" if issue.status == "new" else "办结"
        holders = await _holders(session, issue)
        text = texts.OVERDUE.format(
            number=issue.number,
            building=await notify.building_name(session, issue),
            category=_category_name(tagger, issue.category),
            stage=stage,
            due=notify.local_time(due),
        )
        key = f"overdue:{issue.id}:{issue.status}:{due.isoformat()}"
        # A template has no room for the sentence: its status field says what kind of message it is.
        fields = notify.fields(issue, now) | {"status": f"{stage}超时预警"}
        rows = [
            NewMessage(m.openid, "overdue", text, fields, issue.id, True, f"{key}:{m.id}") for m in holders
        ]
        await repos.outbox.enqueue(session, rows, now)
        await repos.timeline.add_event(session, issue.id, "overdue", SYSTEM, f"{stage}超时", now)

    async def _escalate_overdue(
        self, session: AsyncSession, tagger: RulesEngine, issue: Issue, now: dt.datetime
    ) -> None:
        category = tagger.pack.category_or_other(issue.category)
        await lifecycle.escalate(session, issue, category, SYSTEM, now, "超时未办")

    async def reporter_digest(self, since: dt.datetime, until: dt.datetime) -> int:
        """Per reporter and supporter: what changed on their issues in the period (customer service only)."""
        changed: dict[int, tuple[Issue, str]] = {}
        async with self.sessionmaker.begin() as session:
            for issue, event in await repos.timeline.events_between(session, since, until):
                if event.kind not in DIGEST_EVENTS:
                    continue
                what = texts.EVENT_NAMES.get(event.kind, event.kind)
                changed[issue.id] = (issue, f"{what}{'：' + event.note if event.note else ''}")
            lines: dict[str, list[str]] = defaultdict(list)
            for issue, what in changed.values():
                on = await repos.supporters.audience(session, issue.id)
                for openid in on.everyone():
                    lines[openid].append(_digest_line(issue, what, masked=openid != on.reporter))
            rows = [
                NewMessage(
                    o, "digest", "\n".join([texts.DIGEST_HEAD, *ls[:10]]), dedup_key=f"digest:{o}:{until}"
                )
                for o, ls in lines.items()
            ]
            return await repos.outbox.enqueue(session, rows, self.now())

    async def member_digest(self, until: dt.datetime) -> int:
        """Per member: how many issues they answer for are open, and how many are overdue."""
        now = self.now()
        async with self.sessionmaker.begin() as session:
            tagger = await self.rules.engine(session)
            issues = await repos.issues.open_issues(session)
            rows = []
            for member in await repos.org.members(session):
                mine = await responsibility.answerable(session, member, issues)
                if not mine:
                    continue
                overdue = sum(1 for i in mine if i.overdue)
                head = texts.TODO_DIGEST_HEAD.format(count=len(mine), overdue=overdue)
                names = partial(_category_name, tagger)
                lines = await notify.todo_lines(session, mine, names, limit=10)
                text = "\n".join([head, *lines])
                rows.append(NewMessage(member.openid, "todo", text, dedup_key=f"todo:{member.id}:{until}"))
            return await repos.outbox.enqueue(session, rows, now)


DIGEST_EVENTS = frozenset(
    {"accepted", "progress", "resolved", "transferred", "escalated", "rejected", "reopened", "rated"}
)


async def _holders(session: AsyncSession, issue: Issue) -> list[Member]:
    if issue.assignee_id is not None:
        holder = await repos.org.member(session, issue.assignee_id)
        if holder is not None and holder.active:
            return [holder]
    return await responsibility.responsible(session, issue)


def _digest_line(issue: Issue, what: str, masked: bool) -> str:
    """One change in a reporter's digest; supporters read it with personal data masked."""
    return texts.DIGEST_LINE.format(
        number=issue.number,
        status=texts.STATUS_NAMES[issue.status],
        title=notify.title(issue, masked),
        what=mask_personal(what) if masked else what,
    )


def _category_name(tagger: RulesEngine, category: str) -> str:
    return tagger.pack.category_or_other(category).name
