"""`louwu demo`: louwu to try on a laptop: migrate SQLite, seed the demo buildings, make an admin,
and serve with the simulator and the in-process fake of WeChat's API."""

from __future__ import annotations

import dataclasses
from importlib import resources
from pathlib import Path

import click

from bot import passwords
from bot.cli import db, seed, serve
from bot.cli.common import get_config, run, session_scope
from bot.clock import Clock
from bot.config import Config
from storage import repos

ADMIN = "admin"


def demo_config(config: Config) -> Config:
    """The simulator on, pushes every second, template ids so the 48-hour fallback shows, Open311 on."""
    t = config.templates
    return dataclasses.replace(
        config,
        simulator=dataclasses.replace(config.simulator, enabled=True),
        open311=dataclasses.replace(config.open311, enabled=True),
        scheduler=dataclasses.replace(config.scheduler, in_process=True, dispatch_interval=1.0),
        templates=dataclasses.replace(
            t, issue_update=t.issue_update or "demo_issue_update", alert=t.alert or "demo_alert"
        ),
    )


@run
async def ensure_admin() -> str | None:
    """Create the demo's admin account once; its password is shown this once and never stored."""
    async with session_scope(get_config()) as session:
        if await repos.users.by_name(session, ADMIN):
            return None
        password = passwords.generate()
        await repos.users.add(session, ADMIN, passwords.hash_password(password), "admin", Clock().now())
    return password


@click.command()
@click.option("--port", type=int, help="Override [server] port.")
@click.pass_context
def demo(ctx: click.Context, port: int | None) -> None:
    """Create the database, load the demo buildings and committees, and serve with the simulator."""
    demo_file = Path(str(resources.files("bot").joinpath("demo/demo.toml")))
    ctx.invoke(db.upgrade)
    ctx.invoke(seed.seed, file=demo_file)
    password = ensure_admin()
    config = demo_config(get_config())
    base = f"http://{config.server.host}:{port or config.server.port}"
    click.echo("")
    click.echo(f"  模拟器 simulator:   {base}/simulator")
    click.echo(f"  Open311:            {base}/open311/v2/requests.json")
    click.echo(f"  管理后台 admin web: {base}/admin")
    if password:
        click.echo(f"  admin 的密码 (shown once, change it with `louwu users passwd admin`): {password}")
    else:
        click.echo("  admin exists already (forgot the password? `louwu users passwd admin`)")
    click.echo(f"  WeChat callback:    {base}/wechat   (Ctrl-C stops)")
    click.echo("")
    serve.run_server(config, port)
