"""`louwu templates` and `louwu holidays`: what reporters hear per category and state, and the
working-day calendar the promised dates count on."""

from __future__ import annotations

import datetime as dt
from typing import TextIO

import click

from bot.cli.common import Fail, get_config, run, session_scope
from handlers import reply_templates, workdays
from handlers.texts import LOCAL_TZ
from storage import repos
from storage.models import ANY_CATEGORY

ACTOR = "cli"
STATE = click.Choice(list(reply_templates.STATES))


@click.group()
def templates() -> None:
    """Reply templates: the sentence sent when a member types only `受理 #N` or `办结 #N`."""


@templates.command("list")
@run
async def list_templates() -> None:
    """Every state's built-in sentence and the admins' templates."""
    async with session_scope(get_config()) as session:
        rows = await repos.templates.all_templates(session)
    for state, word in reply_templates.STATES.items():
        click.echo(f"{state} ({word})  built-in: {reply_templates.DEFAULTS[state]}")
        for t in rows:
            if t.state == state:
                click.echo(f"    {t.category:<12} {t.text}   ({t.updated_by}, {t.updated_at:%Y-%m-%d})")
    click.echo("placeholders: " + " ".join("{" + p + "}" for p in reply_templates.PLACEHOLDERS))


@templates.command("set")
@click.argument("state", type=STATE)
@click.argument("text")
@click.option("--category", default=ANY_CATEGORY, show_default=True, help="A category id, or * for all.")
@run
async def set_template(state: str, text: str, category: str) -> None:
    """Set the template of STATE (accepted, in_progress, resolved, rejected)."""
    async with session_scope(get_config()) as session:
        try:
            await reply_templates.save(session, category, state, text, ACTOR, dt.datetime.now(dt.UTC))
        except reply_templates.TemplateError as exc:
            raise Fail(f"not saved: {exc}") from None
    click.echo(f"saved; it reads: {reply_templates.example(text)}")


@templates.command("reset")
@click.argument("state", type=STATE)
@click.option("--category", default=ANY_CATEGORY, show_default=True)
@run
async def reset_template(state: str, category: str) -> None:
    """Drop a template: the built-in sentence (or the one for all categories) applies again."""
    async with session_scope(get_config()) as session:
        await reply_templates.save(session, category, state, "", ACTOR, dt.datetime.now(dt.UTC))
    click.echo(f"{category}/{state}: back to the default")


@click.group()
def holidays() -> None:
    """Days off and make-up working days (调休) the deadlines count on: chinese-calendar's, and the
    admins' file for the years it does not cover yet."""


@holidays.command("show")
@run
async def show() -> None:
    """Which years are covered and by what, and a warning if the next twelve months are not."""
    async with session_scope(get_config()) as session:
        calendar = await workdays.current(session)
        own = workdays.parse_holidays(await workdays.text_of(session))
    today = dt.datetime.now(LOCAL_TZ)
    published = sorted(workdays.published().years - own.years)
    click.echo(f"chinese-calendar {workdays.package_version()}: {_years(published)}")
    click.echo(f"the admins' file: {_years(sorted(own.years))}")
    click.echo(f"accepted today with 7 working days: due by {workdays.say_date(calendar.due(today, 7))}")
    warning = workdays.coverage_warning(calendar, today.date())
    if warning:
        click.echo(warning, err=True)


def _years(years: list[int]) -> str:
    """2004–2026 for a run, else each year."""
    if not years:
        return "none"
    if years == list(range(years[0], years[-1] + 1)) and len(years) > 2:
        return f"{years[0]}–{years[-1]}"
    return ", ".join(map(str, years))


@holidays.command("import")
@click.argument("path", type=click.File(encoding="utf-8"))
@run
async def import_(path: TextIO) -> None:
    """Replace the admins' holidays file with PATH (taken whole, or refused with the line and reason);
    each year it holds replaces chinese-calendar's schedule of that year."""
    text = path.read()
    async with session_scope(get_config()) as session:
        try:
            calendar = await workdays.save(session, text, ACTOR, dt.datetime.now(dt.UTC), path.name)
        except workdays.HolidaysError as exc:
            raise Fail(f"not imported, the calendar is unchanged: {exc}") from None
    click.echo(f"imported {path.name}: years {', '.join(str(y) for y in sorted(calendar.years))}")


@holidays.command("export")
@run
async def export() -> None:
    """Print the admins' holidays file, or the template (edit it, then `louwu holidays import`)."""
    async with session_scope(get_config()) as session:
        click.echo(await workdays.text_of(session), nl=False)
