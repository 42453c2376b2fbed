"""Who an issue belongs to: the building's conveners, the service team, or the grid leaders above.

Also who may act on it: the members of its building, of any grid above the building, its holder,
the service team for its categories, and admins.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from storage import repos
from storage.models import Building, Issue, Member
from storage.repos.issues import IssueView

ENTERPRISE = "enterprise"


def covers(member: Member, category: str) -> bool:
    return not member.categories or category in member.categories


async def responsible(session: AsyncSession, issue: IssueView) -> list[Member]:
    """The members an issue is routed to at its current escalation level, the holder-to-be first."""
    return await responsible_for(session, issue.category, issue.building_id, issue.level)


async def responsible_for(
    session: AsyncSession, category: str, building_id: int | None, level: int = 0
) -> list[Member]:
    """Whom an issue of this category and building goes to at `level` grids above the building (0:
    its own committee); one issue about to be filed is routed before it exists."""
    everyone = await repos.org.members(session)
    if category == ENTERPRISE and level == 0:
        team = [m for m in everyone if m.role == "service_team" and covers(m, category)]
        if team:
            return team
    building = await repos.org.building(session, building_id) if building_id else None
    if building is None:
        return []  # not bound yet: routed once the reporter names the building
    if level == 0:
        local = [m for m in everyone if m.building_id == building.id and _takes(m, category)]
        if local:
            return sorted(local, key=lambda m: m.role != "convener")
    return await leaders_above(session, everyone, building, max(level, 1))


def _takes(member: Member, category: str) -> bool:
    # Conveners take every category by default; other members only the ones they are named for.
    if member.role == "convener":
        return covers(member, category)
    return member.role == "member" and bool(member.categories) and category in member.categories


async def leaders_above(
    session: AsyncSession, everyone: list[Member], building: Building, level: int
) -> list[Member]:
    """The grid leaders `level` grids above the building, or the nearest ones higher up; else admins."""
    chain = await repos.org.grid_chain(session, building.grid_id)
    for grid in chain[level - 1 :]:
        leaders = [m for m in everyone if m.role == "grid_leader" and m.grid_id == grid.id]
        if leaders:
            return leaders
    return [m for m in everyone if m.role == "admin"]


async def may_act(
    session: AsyncSession, member: Member, issue: Issue, chains: dict[int, set[int]] | None = None
) -> bool:
    """`chains` caches each building's grids (and those above) across calls over many issues."""
    if member.role == "admin" or issue.assignee_id == member.id:
        return True
    if member.role == "service_team":  # one-stop service for its categories, in every building only
        return covers(member, issue.category)
    if issue.building_id is None:
        return False
    if member.building_id == issue.building_id:
        return True
    if member.grid_id is None:
        return False
    chains = {} if chains is None else chains
    if issue.building_id not in chains:
        building = await repos.org.building(session, issue.building_id)
        grids = await repos.org.grid_chain(session, building.grid_id if building else None)
        chains[issue.building_id] = {g.id for g in grids}
    return member.grid_id in chains[issue.building_id]


async def answerable(session: AsyncSession, member: Member, issues: list[Issue]) -> list[Issue]:
    """The issues among `issues` that the member may act on."""
    chains: dict[int, set[int]] = {}
    return [i for i in issues if await may_act(session, member, i, chains)]


async def may_support(session: AsyncSession, building_id: int | None, issue: Issue) -> bool:
    """附议 by number: from someone bound to the issue's building, or to a building of the same grid
    (neighbours share the street outside); an unbound person supports nothing they cannot see."""
    if building_id is None or issue.building_id is None:
        return False
    if building_id == issue.building_id:
        return True
    mine = await repos.org.building(session, building_id)
    theirs = await repos.org.building(session, issue.building_id)
    return (
        mine is not None
        and theirs is not None
        and mine.grid_id is not None
        and mine.grid_id == theirs.grid_id
    )


async def sees_personal(session: AsyncSession, reporter_id: int, member: Member | None, issue: Issue) -> bool:
    """Phone numbers and e-mails in an issue are for its reporter and those who answer for it;
    supporters and everyone else read them masked."""
    if issue.reporter_id is not None and issue.reporter_id == reporter_id:
        return True
    return member is not None and await may_act(session, member, issue)
