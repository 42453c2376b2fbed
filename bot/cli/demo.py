"""`louwu demo`: a ready-to-try louwu on SQLite: migrate, seed the demo buildings, serve."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import click

from bot.cli import db, seed, serve


@click.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Create the database, load the demo buildings and committees, and start serving."""
    demo_file = Path(str(resources.files("bot").joinpath("demo/demo.toml")))
    ctx.invoke(db.upgrade)
    ctx.invoke(seed.seed, file=demo_file)
    ctx.invoke(serve.serve)
