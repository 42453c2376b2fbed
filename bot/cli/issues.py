"""`louwu issues list [--json] | show N | export FILE.csv`: what has been reported, for people and
for scripts; personal data masked unless asked for in clear."""

from __future__ import annotations

import csv
import dataclasses
import json
from typing import TextIO

import click
from rich.console import Console
from rich.progress import track
from rich.table import Table

from bot.cli.common import Fail, get_config, run, session_scope
from bot.config import Config
from handlers import texts, workdays
from handlers.shared import lifecycle
from nlp.masking import mask_personal
from storage import repos
from storage.repos.board import BoardQuery
from storage.repos.issues import IssueRow

UNMASKED = click.option(
    "--unmasked",
    is_flag=True,
    help="Phone, ID and plate numbers and e-mails in clear (the output then needs care).",
)


@click.group()
def issues() -> None:
    """Issues filed through the Official Account."""


@issues.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON array, for scripts.")
@click.option("--status", help="Only issues in this status (new, accepted, …).")
@click.option("--limit", type=int, help="At most this many.")
@UNMASKED
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


@issues.command()
@click.argument("number", type=int)
@UNMASKED
@run
async def show(number: int, unmasked: bool) -> None:
    """One issue: its text, people, promised date and timeline."""
    clear = (lambda t: t) if unmasked else mask_personal
    async with session_scope(get_config()) as session:
        issue = await repos.issues.get(session, number)
        if issue is None:
            raise Fail(f"no issue #{number} (see `louwu issues list`)")
        events = await repos.timeline.events_of(session, issue.id)
        people = await repos.supporters.raised_by(session, issue.id)
        building = await repos.org.building(session, issue.building_id) if issue.building_id else None
    status = texts.STATUS_NAMES[issue.status]
    click.echo(f"#{issue.number} {status} · {issue.category} · {building.name if building else '未绑定楼宇'}")
    click.echo(f"{people} people · {clear(issue.text)}")
    due = lifecycle.promised(issue)
    if due:
        click.echo(texts.TIMELINE_DUE.format(due=workdays.say_date(due)))
    if issue.merged_into:
        click.echo(f"merged into #{issue.merged_into}")
    for e in events:
        when = e.created_at.astimezone(texts.LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
        note = f": {clear(e.note)}" if e.note else ""
        click.echo(f"  {when} {texts.EVENT_NAMES.get(e.kind, e.kind)} ({e.actor}){note}")


@issues.command()
@click.argument("out", type=click.File("w", encoding="utf-8-sig"))
@click.option("--status", help="Only issues in this status (new, accepted, …, or open).")
@UNMASKED
def export(out: TextIO, status: str | None, unmasked: bool) -> None:
    """Every issue as CSV (opens in Excel), personal data masked: exports travel."""
    rows = _rows(get_config(), status, None)
    writer = csv.writer(out)
    writer.writerow(["number", "status", "category", "urgent", "building", "people", "created_at", "text"])
    for r in track(rows, description="exporting", console=Console(stderr=True), disable=len(rows) < 1000):
        text = r.text if unmasked else mask_personal(r.text)
        writer.writerow(
            [
                r.number,
                r.status,
                r.category,
                r.urgent,
                r.building or "",
                r.supporters + 1,
                r.created_at.isoformat(),
                text,
            ]
        )
    click.echo(
        f"{len(rows)} issues written to {out.name}" + ("" if unmasked else " (personal data masked)"),
        err=True,
    )
