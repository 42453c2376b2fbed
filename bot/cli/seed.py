"""`louwu seed FILE.toml`: load grids, buildings and members; all or nothing."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.common import Fail, get_config, run, session_scope
from bot.config import Config
from bot.seed import Seed, SeedError, load_seed, read_seed


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def seed(file: Path) -> None:
    """Load grids, buildings and members from FILE (re-loading the same file changes nothing)."""
    config = get_config()
    try:
        data = read_seed(file)
    except SeedError as exc:
        raise Fail(str(exc)) from None
    changed, unchanged = _load(config, data)
    click.echo(
        f"{file}: {len(data.grids)} grids, {len(data.buildings)} buildings, "
        f"{len(data.members)} members; {changed} changed, {unchanged} unchanged"
    )


@run
async def _load(config: Config, data: Seed) -> tuple[int, int]:
    async with session_scope(config) as session:
        try:
            report = await load_seed(session, data)
        except SeedError as exc:
            raise Fail(str(exc)) from None
    return report.changed, report.unchanged
