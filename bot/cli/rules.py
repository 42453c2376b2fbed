"""`louwu rules …`: keyword rules for admins: list, edit, try, import and export, audit (evaluating and
teaching the learned layer: bot/cli/learning.py)."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from bot.cli.common import Fail, get_config, run, session_scope
from bot.clock import Clock
from bot.config import Config, model_settings
from bot.rules import LiveRules
from nlp import pack_edit
from nlp.defaults import default_model
from nlp.engine import ModelSettings, RulesEngine
from nlp.explain import explain
from nlp.model import TextModel
from nlp.pack import PackError, RulePack, dump_pack, parse_pack
from storage import repos
from storage.errors import NotFound

console = Console()
pack_option = click.option("--pack", "pack_name", help="Rule pack to use (default: the active one).")
actor_option = click.option(
    "--actor", default=lambda: f"cli:{getpass.getuser()}", help="Who made the change (audit)."
)


@click.group()
def rules() -> None:
    """Keyword rules: every change is audited and in force on the next message."""


@run
async def load_pack(config: Config, name: str | None) -> RulePack:
    async with session_scope(config) as session:
        try:
            row = await repos.rules.by_name(session, name) if name else await repos.rules.active(session)
        except NotFound as exc:
            raise Fail(f"{exc} does not exist (see `louwu rules list`)") from None
        if row is None:
            raise Fail("no active rule pack: run `louwu db upgrade` or `louwu rules import FILE --activate`")
        return parse_pack(row.body, f"rule pack {row.name!r}")


@run
async def save_pack(config: Config, pack: RulePack, actor: str, action: str, activate: bool) -> int:
    async with session_scope(config) as session:
        row = await repos.rules.save(
            session, pack.name, dump_pack(pack), actor, action, Clock().now(), activate=activate
        )
        return row.version


@rules.command("list")
@pack_option
def list_(pack_name: str | None) -> None:
    """The packs, and the categories and words of one."""
    config = get_config()
    rows = _packs(config)
    table = Table("pack", "active", "version", "updated")
    for name, active, version, updated in rows:
        table.add_row(name, "✔" if active else "", str(version), updated)
    console.print(table)
    pack = load_pack(config, pack_name)
    cats = Table("category", "name", "keywords", "strongest", title=f"pack {pack.name}")
    for c in pack.categories:
        top = sorted(c.keywords, key=lambda k: -k.weight)[:8]
        cats.add_row(c.id, c.name, str(len(c.keywords)), " ".join(f"{k.word}:{k.weight:g}" for k in top))
    console.print(cats)
    console.print(f"threshold {pack.threshold:g}; urgency words: {' '.join(pack.urgency_words)}")


@run
async def _packs(config: Config) -> list[tuple[str, bool, int, str]]:
    async with session_scope(config) as session:
        rows = await repos.rules.all_packs(session)
        return [(r.name, r.active, r.version, f"{r.updated_at:%Y-%m-%d %H:%M}") for r in rows]


@rules.command()
@click.argument("category")
@click.argument("word")
@click.option("--weight", type=float, default=2.0, show_default=True)
@click.option("--synonym-of", help="Count WORD as this existing keyword.")
@click.option("--exclude", is_flag=True, help="WORD cancels CATEGORY when present.")
@click.option("--urgent", is_flag=True, help="WORD marks a message urgent (CATEGORY is ignored).")
@pack_option
@actor_option
def add(category: str, word: str, weight: float, synonym_of: str | None, exclude: bool,
        urgent: bool, pack_name: str | None, actor: str) -> None:  # fmt: skip
    """Add WORD to CATEGORY (a keyword by default)."""
    edit: Callable[[RulePack], RulePack]
    if urgent:
        edit = lambda p: pack_edit.add_urgency(p, word)  # noqa: E731
    elif exclude:
        edit = lambda p: pack_edit.add_exclusion(p, category, word)  # noqa: E731
    elif synonym_of:
        edit = lambda p: pack_edit.add_synonym(p, category, word, synonym_of)  # noqa: E731
    else:
        edit = lambda p: pack_edit.add_keyword(p, category, word, weight)  # noqa: E731
    _edit(pack_name, actor, "add", edit)


@rules.command()
@click.argument("category")
@click.argument("word")
@pack_option
@actor_option
def remove(category: str, word: str, pack_name: str | None, actor: str) -> None:
    """Remove WORD from CATEGORY ('urgency' for the urgency list)."""
    cid = None if category == "urgency" else category
    _edit(pack_name, actor, "remove", lambda p: pack_edit.remove_word(p, cid, word))


def _edit(pack_name: str | None, actor: str, action: str, edit: Callable[[RulePack], RulePack]) -> None:
    config = get_config()
    pack = load_pack(config, pack_name)
    try:
        changed = edit(pack)
    except PackError as exc:
        raise Fail(exc.reason) from None
    version = save_pack(config, changed, actor, action, activate=False)
    click.echo(f"pack {pack.name} is now version {version}; running processes pick it up on the next message")


@rules.command("try")
@click.argument("text")
@pack_option
def try_(text: str, pack_name: str | None) -> None:
    """Show how TEXT is tagged: tokens, matches, scores, winner, urgency and why."""
    pack = load_pack(get_config(), pack_name)
    e = explain(pack, text)
    console.print(f"[bold]tokens[/]: {' / '.join(e.tokens)}")
    table = Table("category", "score", "matched words (weight)")
    for line in e.lines:
        note = f" [excluded by {line.excluded_by}]" if line.excluded_by else ""
        table.add_row(line.id, f"{line.score:g}", " ".join(line.matched) + note)
    console.print(table)
    console.print(f"[bold]winner[/]: {e.winner} ({e.winner_name}); tags: {', '.join(e.tags)}")
    urgent = f"yes ({', '.join(e.urgent_words)})" if e.urgent else "no"
    console.print(f"[bold]urgent[/]: {urgent}")
    console.print(f"[bold]why[/]: {e.why}")
    config = get_config()
    engine = RulesEngine(pack, load_model(config), model_settings(config) or ModelSettings())
    tagging = engine.tag(text)
    reading = engine.model.read(text, explain=True) if engine.model else None
    if reading is not None:
        top = ", ".join(f"{g.category} {g.probability:.0%}" for g in reading.ranked[:3])
        pushed = " ".join(f"{f}(+{x:g})" for f, x in reading.pushed)
        console.print(f"[bold]model[/]: {top}; margin {reading.margin:+.2f}; pushed by {pushed or '—'}")
    console.print(f"[bold]decided by[/]: {tagging.layer} → {tagging.primary}; {tagging.why}")


@rules.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--name", help="Store under this name (default: the name inside the file).")
@click.option("--activate", is_flag=True, help="Make it the pack used for intake.")
@actor_option
def import_(file: Path, name: str | None, activate: bool, actor: str) -> None:
    """Import a rule pack from a TOML file: accepted whole or refused whole."""
    try:
        pack = parse_pack(file.read_text("utf-8"), str(file))
    except (PackError, UnicodeDecodeError) as exc:
        raise Fail(f"refused, nothing changed: {exc}") from None
    if name:
        pack = replace(pack, name=name)
    version = save_pack(get_config(), pack, actor, "import", activate=activate)
    state = "active" if activate else "stored (not active)"
    click.echo(f"pack {pack.name} version {version} {state}: {len(pack.categories)} categories")


@rules.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), required=False)
@pack_option
def export(file: Path | None, pack_name: str | None) -> None:
    """Write a pack as TOML to FILE (or standard output)."""
    text = dump_pack(load_pack(get_config(), pack_name))
    if file is None:
        sys.stdout.write(text)
    else:
        file.write_text(text, "utf-8")
        click.echo(f"written to {file}")


@rules.command()
@click.argument("name")
@actor_option
def activate(name: str, actor: str) -> None:
    """Make pack NAME the one used for intake."""
    _activate(get_config(), name, actor)
    click.echo(f"pack {name} is active; running processes switch on their next message")


@run
async def _activate(config: Config, name: str, actor: str) -> None:
    async with session_scope(config) as session:
        try:
            await repos.rules.activate(session, name, actor, Clock().now())
        except NotFound:
            raise Fail(f"no rule pack {name!r} (see `louwu rules list`)") from None


@rules.command()
@click.option("--limit", default=20, show_default=True)
def audit(limit: int) -> None:
    """Who changed the rules, when, and what."""
    for row in _audit(get_config(), limit):
        console.print(row)


@run
async def _audit(config: Config, limit: int) -> list[str]:
    async with session_scope(config) as session:
        rows = await repos.rules.audit(session, limit)
        return [
            f"{r.at:%Y-%m-%d %H:%M} {r.actor} {r.action} {r.pack}: {_diff(r.before, r.after)}" for r in rows
        ]


def _lines(pack_text: str) -> list[str]:
    return [ln for ln in pack_text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


def _diff(before: str, after: str) -> str:
    """The changed lines of a pack, in short: enough to see what an edit did."""
    if not before:
        return "new pack" if after else ""
    old, new = _lines(before), _lines(after)
    changes = [f"-{line}" for line in old if line not in set(new)]
    changes += [f"+{line}" for line in new if line not in set(old)]
    shown = "  ".join(changes[:6])
    return shown + (f"  … {len(changes) - 6} more" if len(changes) > 6 else "") or "no change"


@run
async def load_model(config: Config) -> TextModel:
    """The active model, loaded as every serving process loads it (the shipped one if none)."""
    async with session_scope(config) as session:
        engine = await LiveRules().engine(session)
    return engine.model or default_model()
