"""`louwu doctor`: the configuration checked against the Official Account and this machine."""

from __future__ import annotations

import datetime as dt

import click

from bot import doctor as checks
from bot.cli.common import Fail, get_config, run, wechat_api
from handlers.texts import LOCAL_TZ
from storage.db import make_engine

MARKS = {"ok": "✓", "warn": "!", "fail": "✗", "skip": "-"}


@click.command()
@run
async def doctor() -> None:
    """Check the access token, templates, menu, QR codes, database schema and holidays, one line each
    with the fix; exit status 1 when any check fails (warnings allowed)."""
    config = get_config()
    engine = make_engine(config.database.url)
    try:
        async with wechat_api(config) as api:
            found = await checks.run(config, engine, api, dt.datetime.now(LOCAL_TZ).date())
    finally:
        await engine.dispose()
    for c in found:
        fix = f"  → {c.fix}" if c.fix and c.status != "ok" else ""
        click.echo(f"{MARKS[c.status]} {c.name}：{c.detail}{fix}")
    if checks.failed(found):
        raise Fail(f"{sum(c.status == 'fail' for c in found)} of {len(found)} checks failed")
    click.echo(
        f"all {len(found)} checks pass"
        + (" (with warnings)" if any(c.status == "warn" for c in found) else "")
    )
