"""`louwu rules eval | suggest | examples | train`: how well the tags hold on labelled messages, and
the learned layer taught from the shipped examples and people's corrections."""

import csv
import json
from collections.abc import Callable
from pathlib import Path

import click
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from bot import training
from bot.cli.common import Fail, get_config, run, session_scope
from bot.cli.rules import actor_option, console, load_model, load_pack, pack_option, rules
from bot.clock import Clock
from bot.config import Config, model_settings
from nlp.engine import ModelSettings, RulesEngine
from nlp.evaluate import DataError, Example, Report, evaluate, read_labelled
from nlp.model import ModelError, TextModel, loads
from nlp.segment import Segmenter
from nlp.suggest import from_model
from nlp.train import shipped_dangers, shipped_examples
from nlp.train import train as learn
from storage import repos


@rules.command("eval")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of tables.")
@click.option("--model", "model_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A model file (rules train --out) instead of the active model.")  # fmt: skip
@pack_option
def eval_(file: Path, as_json: bool, model_file: Path | None, pack_name: str | None) -> None:
    """Evaluate on a CSV with columns text,label: the rules only, the model only, and both combined."""
    config = get_config()
    pack = load_pack(config, pack_name)
    model = _model_file(model_file) if model_file else load_model(config)
    data = _read(file)
    combined = RulesEngine(pack, model, model_settings(config) or ModelSettings())
    rules_only = RulesEngine(pack)
    layers: dict[str, Callable[[str], str]] = {
        "rules only": lambda t: rules_only.tag(t).primary,
        "model only": lambda t: model.read(t).best.category,
        "combined": lambda t: combined.tag(t).primary,
    }
    known = list(dict.fromkeys([*pack.category_ids, *model.classes]))
    reports = {}
    with Progress(console=Console(stderr=True), transient=True, disable=as_json) as bar:
        for name, predict in layers.items():
            task = bar.add_task(f"evaluating {name}", total=len(data))
            reports[name] = evaluate(data, predict, known, lambda n, t=task: bar.advance(t, n))
    if as_json:
        click.echo(json.dumps({k: r.as_dict() for k, r in reports.items()}, ensure_ascii=False, indent=1))
        return
    for name, report in reports.items():
        print_report(
            report, f"{name} (pack {pack.name}, model of {model.info.examples} examples) on {file.name}"
        )


def _read(file: Path) -> list[Example]:
    try:
        labelled = read_labelled(file)
    except DataError as exc:
        raise Fail(str(exc)) from None
    if labelled.skipped_lines:
        lines = ", ".join(map(str, labelled.skipped_lines[:10]))
        click.echo(f"skipped {len(labelled.skipped_lines)} empty row(s) (lines {lines})", err=True)
    return labelled.examples


def print_report(report: Report, title: str) -> None:
    console.print(f"[bold]{title}[/]: {report.total} messages, accuracy {report.accuracy:.3f}, "
                  f"macro-F1 {report.macro_f1:.3f}")  # fmt: skip
    table = Table("label", "precision", "recall", "F1", "support")
    for label, s in report.per_category.items():
        table.add_row(label, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", str(s.support))
    console.print(table)
    # Numbered columns keep the matrix narrow enough for a terminal whatever the label names.
    numbers = [str(i) for i in range(1, len(report.labels) + 1)]
    confusion = Table("true ↓  predicted →", *numbers, title="confusion matrix")
    for n, t in zip(numbers, report.labels, strict=True):
        cells = (str(report.confusion[t].get(p, 0) or "·") for p in report.labels)
        confusion.add_row(f"{n} {t}", *cells)
    console.print(confusion)
    if report.unknown_labels:
        unknown = ", ".join(f"{k} ({v})" for k, v in report.unknown_labels.items())
        console.print(f"[yellow]labels the pack does not know[/]: {unknown}")


@rules.command()
@click.option("--category", help="Only this category's suggestions.")
@click.option("--limit", default=8, show_default=True, help="Suggestions per category.")
@pack_option
def suggest(category: str | None, limit: int, pack_name: str | None) -> None:
    """Words the active model leans on that no rule holds yet, each with the command that adopts it."""
    config = get_config()
    pack = load_pack(config, pack_name)
    found = from_model(load_model(config), pack, Segmenter().knows, per_category=limit)
    if category and category not in found:
        raise Fail(f"no suggestions for {category!r} (categories: {', '.join(found)})")
    table = Table("category", "word", "weight", "model push", "adopt with")
    for label, rows in found.items():
        for s in rows if category in (None, label) else ():
            table.add_row(label, s.word, f"{s.weight:g}", f"{s.push:+.3f}",
                          f"louwu rules add {label} {s.word} --weight {s.weight:g}")  # fmt: skip
    console.print(table)


@rules.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def examples(file: Path) -> None:
    """The issues people re-categorised (改类) as text,label CSV, for `rules eval` or `train --examples`."""
    rows = _examples(get_config())
    with file.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "label", "was"])
        writer.writerows(rows)
    click.echo(f"{len(rows)} labelled example(s) written to {file}")


@run
async def _examples(config: Config) -> list[tuple[str, str, str]]:
    async with session_scope(config) as session:
        return [(e.text, e.category, e.was) for e in await repos.rules.examples(session)]


@rules.command()
@click.option("--examples", "extra", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A CSV of text,label to learn from as well.")  # fmt: skip
@click.option(
    "--only", is_flag=True, help="Learn from --examples alone (another taxonomy, e.g. for a benchmark)."
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the model to this file instead of making it the active one.")  # fmt: skip
@actor_option
def train(extra: Path | None, only: bool, out: Path | None, actor: str) -> None:
    """Train the learned layer on the shipped examples, every correction people made (改类) and
    --examples; store it as the active model, in force on the next message in every process."""
    if only and extra is None:
        raise Fail("--only needs --examples FILE")
    config = get_config()
    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("reading examples", total=3)
        shipped = [] if only else shipped_examples()
        corrections = [] if only or out else corrections_of(config)
        given = _read(extra) if extra else []
        examples = [*shipped, *corrections, *given]
        bar.update(task, advance=1, description=f"training on {len(examples)} examples")
        where = _trained_on(len(shipped), len(corrections), extra, len(given))
        try:
            model = learn(examples, where, [] if only else shipped_dangers())
        except ValueError as exc:
            raise Fail(str(exc)) from None
        bar.update(task, advance=1, description="storing the model")
        body = model.dumps()
        if out:
            out.write_bytes(body)
        else:
            store_model(config, body, len(examples), len(corrections), where, actor)
        bar.update(task, advance=1)
    told = f"written to {out}" if out else "active; running processes pick it up on their next message"
    click.echo(f"model of {len(examples)} examples ({where}), {model.feature_count} features: {told}")


def _trained_on(shipped: int, corrections: int, extra: Path | None, given: int) -> str:
    parts = [f"{shipped} shipped"] if shipped else []
    parts += [f"{corrections} corrections"] if corrections else []
    parts += [f"{given} from {extra.name}"] if extra else []
    return ", ".join(parts)


def _model_file(path: Path) -> TextModel:
    try:
        return loads(path.read_bytes())
    except ModelError as exc:
        raise Fail(f"{path}: {exc}") from None


@run
async def corrections_of(config: Config) -> list[Example]:
    async with session_scope(config) as session:
        return await training.corrections(session)


@run
async def store_model(
    config: Config, body: bytes, examples: int, corrections: int, where: str, actor: str
) -> None:
    async with session_scope(config) as session:
        await repos.rules.save_model(session, body, examples, corrections, where, actor, Clock().now())
