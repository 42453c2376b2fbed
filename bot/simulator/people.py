"""Who can be played in the simulator: a few office workers, and every member the seed file named."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.texts import ROLE_NAMES
from storage import repos

REPORTERS = (("o_sim_wang", "小王"), ("o_sim_li", "小李"), ("o_sim_zhang", "小张"))


@dataclass(frozen=True)
class Person:
    openid: str
    name: str
    role: str
    where: str  # building or grid, for members

    @property
    def role_name(self) -> str:
        return ROLE_NAMES.get(self.role, self.role)


async def people(session: AsyncSession) -> list[Person]:
    buildings = {b.id: b.name for b in await repos.org.buildings(session)}
    grids = {g.id: g.name for g in await repos.org.grids(session)}
    found = [Person(openid, name, "reporter", "") for openid, name in REPORTERS]
    for m in await repos.org.members(session):
        where = buildings.get(m.building_id or 0) or grids.get(m.grid_id or 0, "")
        found.append(Person(m.openid, m.name, m.role, where))
    return found
