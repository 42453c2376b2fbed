"""Grids, buildings and members: looked up by code or openid, and upserted from seed files."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Building, Grid, Member, checked_code


async def building(session: AsyncSession, building_id: int) -> Building | None:
    return await session.get(Building, building_id)


async def building_by_code(session: AsyncSession, code: str) -> Building | None:
    stmt = select(Building).where(Building.code == code)
    return (await session.execute(stmt)).scalar_one_or_none()


async def buildings(session: AsyncSession) -> list[Building]:
    stmt = select(Building).where(Building.active.is_(True)).order_by(Building.id)
    return list((await session.execute(stmt)).scalars())


async def grid_by_code(session: AsyncSession, code: str) -> Grid | None:
    stmt = select(Grid).where(Grid.code == code)
    return (await session.execute(stmt)).scalar_one_or_none()


async def members_by_openid(session: AsyncSession, openids: list[str]) -> dict[str, Member]:
    # Every batch of messages asks; most senders are no member, which a plain read tells cheaply.
    found = (await (await session.connection()).execute(_MEMBER_IDS, {"openids": openids})).scalars().all()
    if not found:
        return {}
    return {m.openid: m for m in (await session.execute(_MEMBERS, {"ids": found})).scalars()}


# Built once, like every statement the intake runs for each batch.
_M = Member.__table__
_MEMBER_IDS = select(_M.c.id).where(
    _M.c.openid.in_(bindparam("openids", expanding=True)), _M.c.active.is_(True)
)
_MEMBERS = select(Member).where(Member.id.in_(bindparam("ids", expanding=True)))


async def upsert_grid(
    session: AsyncSession, code: str, name: str, level: str, parent_id: int | None
) -> tuple[Grid, bool]:
    """Create or update; the flag says whether anything changed. InvalidCode for a bad code."""
    grid = await grid_by_code(session, checked_code(code))
    if grid is None:
        grid = Grid(code=code, name=name, level=level, parent_id=parent_id)
        session.add(grid)
        await session.flush()
        return grid, True
    changed = _assign(grid, name=name, level=level, parent_id=parent_id)
    return grid, changed


async def upsert_building(
    session: AsyncSession,
    code: str,
    name: str,
    aliases: list[str],
    grid_id: int | None,
    duty_phone: str | None,
) -> tuple[Building, bool]:
    b = await building_by_code(session, checked_code(code))
    if b is None:
        b = Building(code=code, name=name, aliases=aliases, grid_id=grid_id, duty_phone=duty_phone)
        session.add(b)
        await session.flush()
        return b, True
    changed = _assign(b, name=name, aliases=aliases, grid_id=grid_id, duty_phone=duty_phone)
    return b, changed


async def upsert_member(
    session: AsyncSession,
    openid: str,
    name: str,
    role: str,
    building_id: int | None,
    grid_id: int | None,
    categories: list[str],
) -> tuple[Member, bool]:
    stmt = select(Member).where(Member.openid == openid)
    m = (await session.execute(stmt)).scalar_one_or_none()
    fields = dict(name=name, role=role, building_id=building_id, grid_id=grid_id, categories=categories)
    if m is None:
        m = Member(openid=openid, **fields)
        session.add(m)
        await session.flush()
        return m, True
    return m, _assign(m, **fields)


def _assign(obj: object, **values: object) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


async def member(session: AsyncSession, member_id: int) -> Member | None:
    return await session.get(Member, member_id)


async def members(session: AsyncSession) -> list[Member]:
    stmt = select(Member).where(Member.active.is_(True)).order_by(Member.id)
    return list((await session.execute(stmt)).scalars())


async def grid_chain(session: AsyncSession, grid_id: int | None) -> list[Grid]:
    """A grid and every grid above it, nearest first."""
    chain: list[Grid] = []
    while grid_id is not None and len(chain) < 16:  # a bound, in case of a cycle typed into the data
        grid = await session.get(Grid, grid_id)
        if grid is None:
            break
        chain.append(grid)
        grid_id = grid.parent_id
    return chain


async def grids(session: AsyncSession) -> list[Grid]:
    return list((await session.execute(select(Grid).order_by(Grid.id))).scalars())


async def all_buildings(session: AsyncSession) -> list[Building]:
    """Disabled ones too (the admin web lists them)."""
    return list((await session.execute(select(Building).order_by(Building.id))).scalars())


async def all_members(session: AsyncSession) -> list[Member]:
    return list((await session.execute(select(Member).order_by(Member.id))).scalars())


async def grid_in_use(session: AsyncSession, grid_id: int) -> bool:
    """Whether any grid, building, member or web account still hangs under it."""
    from storage.models import User

    for model, column in ((Grid, Grid.parent_id), (Building, Building.grid_id), (Member, Member.grid_id)):
        if await session.scalar(select(model.id).where(column == grid_id).limit(1)) is not None:
            return True
    return await session.scalar(select(User.id).where(User.grid_id == grid_id).limit(1)) is not None


async def remove_grid(session: AsyncSession, grid: Grid) -> None:
    await session.delete(grid)
