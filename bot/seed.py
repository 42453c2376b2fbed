"""Seed files (grids, buildings, members) read whole and validated, then loaded in one transaction.

Loading the same file twice changes nothing; a bad row is reported with its line and nothing is loaded.
"""

from __future__ import annotations

import tomllib
from dataclasses import MISSING, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage import repos
from storage.models import GRID_LEVELS, MEMBER_ROLES, InvalidCode, checked_code


class SeedError(ValueError):
    pass


@dataclass(frozen=True)
class GridRow:
    code: str
    name: str
    level: str
    parent: str | None = None


@dataclass(frozen=True)
class BuildingRow:
    code: str
    name: str
    grid: str | None = None
    aliases: tuple[str, ...] = ()
    duty_phone: str | None = None


@dataclass(frozen=True)
class MemberRow:
    openid: str
    name: str
    role: str
    building: str | None = None
    grid: str | None = None
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Seed:
    grids: tuple[GridRow, ...] = ()
    buildings: tuple[BuildingRow, ...] = ()
    members: tuple[MemberRow, ...] = ()


@dataclass
class SeedReport:
    changed: int = 0
    unchanged: int = 0
    details: list[str] = field(default_factory=list)


def read_seed(path: Path) -> Seed:
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SeedError(f"{path}: cannot read: {exc}") from None
    return parse_seed(text, str(path))


def parse_seed(text: str, source: str) -> Seed:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SeedError(f"{source}: not valid TOML: {exc}") from None
    unknown = set(data) - {"grids", "buildings", "members"}
    if unknown:
        raise SeedError(
            f"{source}: unknown table(s) {sorted(unknown)}; use [[grids]], [[buildings]], [[members]]"
        )
    lines = _TableLines(text)
    grids = tuple(_row(GridRow, r, source, lines.at("grids", i)) for i, r in enumerate(data.get("grids", [])))
    buildings = tuple(
        _row(BuildingRow, r, source, lines.at("buildings", i))
        for i, r in enumerate(data.get("buildings", []))
    )
    members = tuple(
        _row(MemberRow, r, source, lines.at("members", i)) for i, r in enumerate(data.get("members", []))
    )
    seed = Seed(grids, buildings, members)
    _check_refs(seed, source, lines)
    return seed


class _TableLines:
    """Line numbers of each [[table]] header, to point at the row that is wrong."""

    def __init__(self, text: str) -> None:
        self.headers: dict[str, list[int]] = {}
        for no, line in enumerate(text.splitlines(), 1):
            stripped = line.strip()
            if stripped.startswith("[[") and "]]" in stripped:
                name = stripped[2 : stripped.index("]]")].strip()
                self.headers.setdefault(name, []).append(no)

    def at(self, table: str, index: int) -> int:
        found = self.headers.get(table, [])
        return found[index] if index < len(found) else 0


def _row(cls: type, raw: Any, source: str, line: int) -> Any:
    where = f"{source}:{line}" if line else source
    if not isinstance(raw, dict):
        raise SeedError(f"{where}: each row must be a table")
    fields = cls.__dataclass_fields__
    for key in raw:
        if key not in fields:
            raise SeedError(f"{where}: unknown key {key!r} (allowed: {', '.join(fields)})")
    values: dict[str, Any] = {}
    for name, f in fields.items():
        value = raw.get(name)
        if value is None:
            if f.default is MISSING:
                raise SeedError(f"{where}: missing {name!r}")
            continue
        if name in ("aliases", "categories"):
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise SeedError(f"{where}: {name!r} must be a list of non-empty strings")
            value = tuple(v.strip() for v in value)
        elif not isinstance(value, str) or not value.strip():
            raise SeedError(f"{where}: {name!r} must be non-empty text")
        else:
            value = value.strip()
        values[name] = value
    row = cls(**values)
    if isinstance(row, GridRow | BuildingRow):
        try:
            checked_code(row.code)
        except InvalidCode as exc:
            raise SeedError(f"{where}: code {exc}") from None
    if isinstance(row, GridRow) and row.level not in GRID_LEVELS:
        raise SeedError(f"{where}: level {row.level!r} must be one of {', '.join(GRID_LEVELS)}")
    if isinstance(row, MemberRow) and row.role not in MEMBER_ROLES:
        raise SeedError(f"{where}: role {row.role!r} must be one of {', '.join(MEMBER_ROLES)}")
    return row


def _check_refs(seed: Seed, source: str, lines: _TableLines) -> None:
    grids = {g.code for g in seed.grids}
    buildings = {b.code for b in seed.buildings}
    for kind, rows in (
        ("grids", seed.grids),
        ("buildings", seed.buildings),
        ("members", seed.members),
    ):
        seen: set[str] = set()
        for i, row in enumerate(rows):
            key = row.openid if isinstance(row, MemberRow) else row.code
            where = f"{source}:{lines.at(kind, i)}"
            if key in seen:
                raise SeedError(f"{where}: {key!r} appears twice in [[{kind}]]")
            seen.add(key)
    for i, g in enumerate(seed.grids):
        if g.parent and g.parent not in grids:
            raise SeedError(
                f"{source}:{lines.at('grids', i)}: parent {g.parent!r} is not a grid of this file"
            )
    for i, b in enumerate(seed.buildings):
        if b.grid and b.grid not in grids:
            raise SeedError(
                f"{source}:{lines.at('buildings', i)}: grid {b.grid!r} is not a grid of this file"
            )
    for i, m in enumerate(seed.members):
        where = f"{source}:{lines.at('members', i)}"
        if m.building and m.building not in buildings:
            raise SeedError(f"{where}: building {m.building!r} is not a building of this file")
        if m.grid and m.grid not in grids:
            raise SeedError(f"{where}: grid {m.grid!r} is not a grid of this file")


async def load_seed(session: AsyncSession, seed: Seed) -> SeedReport:
    """Upsert every row by its code or openid; the caller commits (or not, on error)."""
    report = SeedReport()
    grid_ids: dict[str, int] = {}
    # Parents before children, whatever the file's order.
    pending = list(seed.grids)
    while pending:
        ready = [g for g in pending if not g.parent or g.parent in grid_ids]
        if not ready:
            raise SeedError(f"grid parents form a cycle: {', '.join(g.code for g in pending)}")
        for g in ready:
            grid, changed = await repos.org.upsert_grid(
                session, g.code, g.name, g.level, grid_ids.get(g.parent or "")
            )
            grid_ids[g.code] = grid.id
            _count(report, changed, f"grid {g.code}")
            pending.remove(g)
    building_ids: dict[str, int] = {}
    for b in seed.buildings:
        building, changed = await repos.org.upsert_building(
            session, b.code, b.name, list(b.aliases), grid_ids.get(b.grid or ""), b.duty_phone
        )
        building_ids[b.code] = building.id
        _count(report, changed, f"building {b.code}")
    for m in seed.members:
        member, changed = await repos.org.upsert_member(
            session,
            m.openid,
            m.name,
            m.role,
            building_ids.get(m.building or ""),
            grid_ids.get(m.grid or ""),
            list(m.categories),
        )
        _count(report, changed, f"member {m.name}")
    return report


def _count(report: SeedReport, changed: bool, what: str) -> None:
    if changed:
        report.changed += 1
        report.details.append(what)
    else:
        report.unchanged += 1
