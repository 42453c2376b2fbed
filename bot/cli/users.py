"""`louwu users`: accounts of the admin web (admins, and conveners limited to a building or grid)."""

from __future__ import annotations

import secrets

import click
from sqlalchemy.ext.asyncio import AsyncSession

from bot import passwords
from bot.api.auth import api_token_hash
from bot.cli.common import Fail, get_config, run, session_scope
from bot.clock import Clock
from storage import repos
from storage.models import USER_ROLES, User


@click.group()
def users() -> None:
    """Admin-web accounts."""


def _ask_password() -> str:
    password = click.prompt("password", hide_input=True, confirmation_prompt="password again")
    problem = passwords.weak(password)
    if problem:
        raise Fail(f"password refused: {problem}")
    return password


@users.command()
@click.argument("name")
@click.option("--role", type=click.Choice(USER_ROLES), required=True)
@click.option("--building", "building_code", help="A convener's building (code).")
@click.option("--grid", "grid_code", help="A convener's grid (code): every building under it.")
@run
async def add(name: str, role: str, building_code: str | None, grid_code: str | None) -> None:
    """Create an account; the password is asked twice and stored as an Argon2id hash."""
    if role == "convener" and not (building_code or grid_code):
        raise Fail("a convener needs --building CODE or --grid CODE (their scope)")
    if building_code and grid_code:
        raise Fail("give --building or --grid, not both")
    password = _ask_password()
    async with session_scope(get_config()) as session:
        if await repos.users.by_name(session, name):
            raise Fail(f"user {name!r} exists (change it with `louwu users passwd {name}`)")
        building_id, grid_id = await _scope(session, building_code, grid_code)
        await repos.users.add(
            session, name, passwords.hash_password(password), role, Clock().now(), building_id, grid_id
        )
    click.echo(f"added {role} {name}")


async def _scope(
    session: AsyncSession, building_code: str | None, grid_code: str | None
) -> tuple[int | None, int | None]:
    if building_code:
        building = await repos.org.building_by_code(session, building_code)
        if building is None:
            raise Fail(f"no building {building_code!r} (see `louwu buildings list`)")
        return building.id, None
    if grid_code:
        grid = await repos.org.grid_by_code(session, grid_code)
        if grid is None:
            raise Fail(f"no grid {grid_code!r} (see your seed file's [[grids]])")
        return None, grid.id
    return None, None


async def _user(session: AsyncSession, name: str) -> User:
    user = await repos.users.by_name(session, name)
    if user is None:
        raise Fail(f"no user {name!r} (see `louwu users list`)")
    return user


@users.command()
@click.argument("name")
@run
async def passwd(name: str) -> None:
    """Set a new password (ends the user's sessions, lifts a login lock)."""
    password = _ask_password()
    async with session_scope(get_config()) as session:
        repos.users.set_password(await _user(session, name), passwords.hash_password(password))
    click.echo(f"password of {name} changed")


@users.command()
@click.argument("name")
@run
async def disable(name: str) -> None:
    """Stop an account from logging in (its sessions end at once)."""
    async with session_scope(get_config()) as session:
        repos.users.disable(await _user(session, name))
    click.echo(f"{name} disabled")


@users.command("list")
@run
async def list_() -> None:
    async with session_scope(get_config()) as session:
        rows = await repos.users.all_users(session)
    for u in rows:
        state = "active" if u.active else "disabled"
        click.echo(f"{u.name:<16} {u.role:<9} {state}")


@users.command()
@click.argument("name")
@click.option("--label", default="integration", show_default=True, help="What the token is for.")
@click.option(
    "--personal-data",
    is_flag=True,
    help="Let it read phone, ID and plate numbers and e-mails in clear (masked otherwise).",
)
@run
async def token(name: str, label: str, personal_data: bool) -> None:
    """Make an API token acting with NAME's rights (shown once; only its SHA-256 is kept)."""
    value = secrets.token_urlsafe(32)
    async with session_scope(get_config()) as session:
        user = await _user(session, name)
        await repos.users.add_token(session, user, label, api_token_hash(value), Clock().now(), personal_data)
    seen = "in clear" if personal_data else "masked"
    click.echo(f"API token for {name} ({label}), personal data {seen}, shown once: {value}")
    click.echo("use it as: Authorization: Bearer <token>")
