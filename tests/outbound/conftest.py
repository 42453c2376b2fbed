"""Fixtures for the outbound path: the app's jobs, and helpers that queue rows and open windows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.jobs import Jobs
from storage import repos
from storage.models import OutboxMessage
from storage.repos.outbox import NewMessage
from storage.repos.people import Seen


async def open_window(jobs: Jobs, *openids: str) -> None:
    """These users just wrote to the account: WeChat's 48-hour window is open."""
    now = jobs.now()
    async with jobs.sessionmaker.begin() as session:
        await repos.people.touch_many(session, {o: Seen(now, message_at=now) for o in openids})


async def queue(jobs: Jobs, *messages: NewMessage) -> None:
    async with jobs.sessionmaker.begin() as session:
        await repos.outbox.enqueue(session, messages, jobs.now())


async def rows(jobs: Jobs) -> list[OutboxMessage]:
    async with jobs.sessionmaker() as session:
        return list((await session.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars())


def text(openid: str, body: str, kind: str = "update", **kw: Any) -> NewMessage:
    fields = {"number": "#1", "title": body, "status": "已受理", "time": "2026年11月25日 10:00"}
    return NewMessage(openid, kind, body, fields, **kw)
