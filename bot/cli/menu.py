"""`louwu menu`: the Official Account's menu, from a TOML file checked against WeChat's limits."""

from __future__ import annotations

from pathlib import Path

import click

from bot import menu as menus
from bot.cli.common import Fail, get_config, run, wechat_api
from bot.config import Config
from bot.wechat.errors import WeChatAPIError

FILE = click.argument("path", required=False, type=click.Path(dir_okay=False, exists=True, path_type=Path))


def menu_file(config: Config, path: Path | None) -> Path | None:
    """PATH if given, else [wechat] menu, else None: the menu louwu ships."""
    return path or (Path(config.wechat.menu) if config.wechat.menu else None)


def checked(config: Config, path: Path | None) -> menus.Menu:
    try:
        return menus.load(menu_file(config, path))
    except menus.MenuError as exc:
        raise Fail(f"menu not sent: {exc}") from None


@click.group()
def menu() -> None:
    """The menu people tap in the chat (我要反映, 我的反映 …). Once 服务器配置 is on, the platform's
    menu editor no longer works: these commands are the way."""


@menu.command()
@FILE
@run
async def show(path: Path | None) -> None:
    """The menu in the file beside the one the account has now (menu/get)."""
    config = get_config()
    wanted = checked(config, path)
    click.echo(f"in {menu_file(config, path) or 'louwu’s own menu file'}:")
    for line in wanted.lines():
        click.echo(f"  {line}")
    try:
        async with wechat_api(config) as api:
            body = await api.get_menu()
    except WeChatAPIError as exc:
        raise Fail(f"cannot read the account's menu: {exc} (louwu doctor says what to fix)") from None
    if body is None:
        click.echo("on the account: no menu (louwu menu push sends the file's)")
        return
    there = menus.from_wechat(body)
    click.echo("on the account:" + (" the same" if there == wanted else ""))
    if there != wanted:
        for line in there.lines():
            click.echo(f"  {line}")
        click.echo("(different from the file: louwu menu push sends the file's)")


@menu.command()
@FILE
@run
async def push(path: Path | None) -> None:
    """Check the menu file against WeChat's limits and send it (menu/create); a bad file changes
    nothing and names its line."""
    config = get_config()
    wanted = checked(config, path)
    try:
        async with wechat_api(config) as api:
            await api.create_menu(wanted.as_wechat())
    except WeChatAPIError as exc:
        raise Fail(f"WeChat refused the menu: {exc}") from None
    click.echo(f"menu sent: {len(wanted.buttons)} buttons; WeChat shows it to followers within minutes")


@menu.command()
@click.option("--yes", is_flag=True, help="Do not ask first.")
@run
async def delete(yes: bool) -> None:
    """Remove the account's menu (menu/delete)."""
    if not yes:
        click.confirm("remove the menu from the account for every follower?", abort=True)
    try:
        async with wechat_api(get_config()) as api:
            await api.delete_menu()
    except WeChatAPIError as exc:
        raise Fail(f"WeChat refused: {exc}") from None
    click.echo("menu removed from the account")
