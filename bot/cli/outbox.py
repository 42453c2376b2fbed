"""`louwu outbox`: see what is queued, sent and failed; retry a failed message; purge old sent ones."""

from __future__ import annotations

import datetime as dt

import click

from bot.cli.common import Fail, day_start, get_config, run, session_scope
from handlers.texts import LOCAL_TZ
from storage import repos
from storage.repos.outbox import FAILED


@click.group()
def outbox() -> None:
    """The messages louwu sends through WeChat."""


@outbox.command("list")
@click.option("--failed", is_flag=True, help="Only messages that failed for good.")
@click.option(
    "--status", type=click.Choice(["pending", "waiting", "sent", "failed"]), help="Only this status."
)
@click.option("--limit", type=int, default=50, show_default=True)
@run
async def list_(failed: bool, status: str | None, limit: int) -> None:
    """Newest first, with the reason of every failure."""
    async with session_scope(get_config()) as session:
        counts = await repos.outbox.counts(session)
        rows = await repos.outbox.listing(session, FAILED if failed else status, limit)
    click.echo("  ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "the outbox is empty")
    for r in rows:
        when = (r.sent_at or r.next_attempt_at).astimezone(LOCAL_TZ).strftime("%m-%d %H:%M")
        issue = f"#{r.issue_id}" if r.issue_id else "-"
        who = r.recipient or "(unfollowed)"
        line = f"{r.id:>6} {r.status:<8} {r.kind:<8} {issue:<6} {who:<20} x{r.attempts} {when}"
        click.echo(line + (f"  {r.last_error}" if r.last_error else ""))


@outbox.command()
@click.argument("row_id", type=int)
@run
async def retry(row_id: int) -> None:
    """Send a failed or waiting message again."""
    config = get_config()
    async with session_scope(config) as session:
        ok = await repos.outbox.retry(session, row_id, dt.datetime.now(dt.UTC))
    if not ok:
        raise Fail(f"no failed or waiting message {row_id} (see `louwu outbox list`)")
    click.echo(f"message {row_id} queued again")


@outbox.command()
@click.option("--sent-before", "before", required=True, help="A date, YYYY-MM-DD (Shanghai time).")
@run
async def purge(before: str) -> None:
    """Delete messages sent before a date; unsent ones are never purged."""
    cutoff = day_start(before, "--sent-before")
    async with session_scope(get_config()) as session:
        n = await repos.outbox.purge(session, cutoff)
    click.echo(f"purged {n} sent message(s) from before {cutoff.date()}")
