"""What a web user may see and act on: an admin everything; a convener their building, or every
building under their grid."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from handlers import access
from storage import repos
from storage.models import Issue, User


@dataclass(frozen=True)
class Scope:
    buildings: frozenset[int] | None  # None: all

    def allows(self, building_id: int | None) -> bool:
        return self.buildings is None or building_id in self.buildings

    def reaches(self, issue: Issue) -> bool:
        return self.allows(issue.building_id)


async def scope_of(session: AsyncSession, user: User) -> Scope:
    if user.role == "admin":
        return Scope(None)
    if user.building_id is not None:
        return Scope(frozenset({user.building_id}))
    grids = await repos.org.grids(session)
    under = {user.grid_id}
    grew = True
    while grew:  # the grid and every grid below it
        more = {g.id for g in grids if g.parent_id in under} - under
        under |= more
        grew = bool(more)
    return Scope(frozenset(b.id for b in await repos.org.buildings(session) if b.grid_id in under))


class OutOfScope(Exception):
    """The issue exists but lies outside the user's buildings."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(f"#{issue.number} is outside the user's scope")
        self.issue = issue


async def issue_in_scope(session: AsyncSession, user: User, number: int) -> tuple[Issue, Scope]:
    """The issue numbered `number` and the user's scope; access.NoSuchIssue or OutOfScope when the
    user may not act on it. What each says is the caller's choice (the web: 404 or 403 with the
    reason; the API: 404 for both, so a token learns nothing of other buildings)."""
    issue = await access.numbered(session, "", number)
    scope = await scope_of(session, user)
    if not scope.allows(issue.building_id):
        raise OutOfScope(issue)
    return issue, scope
