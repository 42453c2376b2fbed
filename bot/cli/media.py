"""`louwu media`: the pictures and voice kept as evidence: where they are, and removing old ones."""

from __future__ import annotations

import click
from sqlalchemy import func, select

from bot import media_keeper
from bot.cli.common import day_start, get_config, run, session_scope
from storage.db import make_engine, make_sessionmaker
from storage.media_store import media_store
from storage.models import MediaItem


@click.group()
def media() -> None:
    """Pictures and voice people sent, kept as evidence ([media] in the config)."""


@media.command("list")
@run
async def list_() -> None:
    """How many media there are in each state, and where the store is."""
    config = get_config()
    async with session_scope(config) as session:
        counts = dict(
            (await session.execute(select(MediaItem.status, func.count()).group_by(MediaItem.status))).all()
        )
    store = media_store(config.database.url, config.media.dir)
    click.echo(f"store: {store.where}")
    click.echo("  ".join(f"{status}: {n}" for status, n in sorted(counts.items())) or "no media yet")


@media.command()
@click.option(
    "--before", required=True, help="A date, YYYY-MM-DD (Shanghai time): media received before it go."
)
@run
async def purge(before: str) -> None:
    """Remove every picture and voice message received before a date, from the store and the database."""
    cutoff = day_start(before, "--before")
    config = get_config()
    engine = make_engine(config.database.url)
    store = media_store(config.database.url, config.media.dir)
    try:
        n = await media_keeper.purge(make_sessionmaker(engine), store, cutoff)
    finally:
        await engine.dispose()
    click.echo(f"removed {n} picture(s) and voice message(s) received before {cutoff.date()}")
