"""`louwu issues list [--json]`: what has been reported, for people and for scripts."""

from __future__ import annotations

import dataclasses
import json

import click
from rich.console import Console
from rich.table import Table

from bot.cli.common import get_config, run, session_scope
from bot.config import Config
from nlp.masking import mask_personal
from storage import repos
from storage.repos.board import BoardQuery
from storage.repos.issues import IssueRow


@click.group()
def issues() -> None:
    """Issues filed through the Official Account."""


@issues.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON array, for scripts.")
@click.option("--status", help="Only issues in this status (new, accepted, …).")
@click.option("--limit", type=int, help="At most this many.")
@click.option("--unmasked", is_flag=True, help="Phone numbers, ID numbers, e-mails and plates in clear.")
def list_(as_json: bool, status: str | None, limit: int | None, unmasked: bool) -> None:
    """List issues, oldest first; personal data in their texts masked (exports travel)."""
    rows = _rows(get_config(), status, limit)
    if not unmasked:
        rows = [dataclasses.replace(r, text=mask_personal(r.text)) for r in rows]
    if as_json:
        click.echo(json.dumps([_as_dict(r) for r in rows], ensure_ascii=False, indent=1))
        return
    table = Table("#", "status", "category", "building", "supporters", "text")
    for r in rows:
        mark = " !" if r.urgent else ""
        table.add_row(
            f"{r.number}{mark}",
            r.status,
            r.category,
            r.building or "—",
            str(r.supporters),
            r.text[:40],
        )
    Console().print(table)


@run
async def _rows(config: Config, status: str | None, limit: int | None) -> list[IssueRow]:
    async with session_scope(config) as session:
        # Oldest first, everything unless limited: one query with the admin board's.
        query = BoardQuery(status=status or "", sort="oldest", size=limit or 2**31)
        return (await repos.board.board(session, query)).rows


def _as_dict(row: IssueRow) -> dict[str, object]:
    return {
        "id": row.id,
        "number": row.number,
        "status": row.status,
        "category": row.category,
        "urgent": row.urgent,
        "building": row.building,
        "text": row.text,
        "supporters": row.supporters,
        "created_at": row.created_at.isoformat(),
    }
