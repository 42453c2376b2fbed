"""The issue a number names, for whoever asks: the chat, the admin web and the API all find it here
and decide, each in its own way, what a person who may not see it is told."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from handlers import texts
from handlers.refusals import Refusal
from storage import repos
from storage.models import Issue


class NoSuchIssue(Refusal):
    """No issue has that number (or none the asker may know of: the two read the same)."""

    def __init__(self, number: int) -> None:
        super().__init__(texts.NOT_FOUND.format(number=number))
        self.number = number


async def numbered(session: AsyncSession, word: str, number: int | None) -> Issue:
    """The issue numbered `number`; a command without a number is refused with how to write it."""
    if number is None:
        raise Refusal(texts.NUMBER_MISSING.format(word=word))
    issue = await repos.issues.get(session, number) if number < 2**62 else None
    if issue is None:
        raise NoSuchIssue(number)
    return issue
