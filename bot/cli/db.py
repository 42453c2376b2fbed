"""`louwu db upgrade`: migrate the schema to head and, on a new database, load the default rules and
model."""

from __future__ import annotations

import click

from bot.cli.common import database_errors, get_config, run, session_scope
from bot.clock import Clock
from bot.config import Config
from nlp.defaults import DEFAULT_PACK_NAME, default_model, default_model_body, default_pack_text
from storage import repos, schema
from storage.db import is_sqlite


@click.group()
def db() -> None:
    """Database schema."""


@db.command()
def upgrade() -> None:
    """Apply Alembic migrations up to the newest schema."""
    config = get_config()
    url = config.database.url
    with database_errors():
        schema.upgrade(url)
    loaded = _load_default_rules(config)
    where = url.split("///", 1)[-1] if is_sqlite(url) else "PostgreSQL"
    click.echo(f"database at {schema.head_revision()} ({where})")
    if loaded:
        click.echo("default rule pack and model loaded")


@run
async def _load_default_rules(config: Config) -> bool:
    async with session_scope(config) as session:
        if await repos.rules.all_packs(session):
            return False
        await repos.rules.save(
            session,
            DEFAULT_PACK_NAME,
            default_pack_text(),
            "louwu db upgrade",
            "create",
            Clock().now(),
            activate=True,
        )
        if await repos.rules.active_model(session) is None:
            model = default_model()
            await repos.rules.save_model(
                session, default_model_body(), model.info.examples, 0, model.info.trained_on,
                "louwu db upgrade", Clock().now(),
            )  # fmt: skip
        return True
