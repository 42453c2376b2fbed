"""`louwu buildings`: list buildings, and make a building's permanent QR code (scan = bind)."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.common import Fail, get_config, run, session_scope, wechat_api
from bot.qrcodes import UnknownBuilding, building_qr_url, png
from bot.wechat.errors import WeChatAPIError
from storage import repos
from storage.db import make_engine, make_sessionmaker


@click.group()
def buildings() -> None:
    """Buildings and their QR codes."""


@buildings.command("list")
@run
async def list_() -> None:
    async with session_scope(get_config()) as session:
        rows = await repos.org.buildings(session)
    for b in rows:
        qr = "QR ✓" if b.qr_url else "no QR"
        click.echo(f"{b.code:<12} {b.name:<16} {qr}  aliases: {'、'.join(b.aliases) or '-'}")


@buildings.command()
@click.argument("code")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="PNG file (default: qr_CODE.png)."
)
@run
async def qrcode(code: str, out: Path | None) -> None:
    """Ask WeChat once for CODE's permanent scene QR code, store it, and draw it as a PNG."""
    config = get_config()
    engine = make_engine(config.database.url)
    try:
        async with wechat_api(config) as api:
            url = await building_qr_url(make_sessionmaker(engine), api, code)
    except UnknownBuilding:
        raise Fail(f"no building with code {code!r} (see `louwu buildings list`)") from None
    except WeChatAPIError as exc:
        raise Fail(f"WeChat refused the QR code: {exc} (needs a verified Service Account)") from None
    finally:
        await engine.dispose()
    path = out or Path(f"qr_{code}.png")
    path.write_bytes(png(url))
    click.echo(f"{code}: {url} → {path}")
