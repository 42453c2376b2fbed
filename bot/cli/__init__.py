"""The `louwu` command: one click group, one module per noun."""

from __future__ import annotations

import sys

import click

from bot.cli import (
    buildings,
    db,
    demo,
    doctor,
    issues,
    learning,  # noqa: F401 - adds eval, suggest, examples and train to `rules`
    media,
    menu,
    outbox,
    replies,
    rules,
    seed,
    serve,
    users,
    worker,
)
from bot.cli.common import main_group

main_group.add_command(db.db)
main_group.add_command(serve.serve)
main_group.add_command(seed.seed)
main_group.add_command(issues.issues)
main_group.add_command(rules.rules)
main_group.add_command(demo.demo)
main_group.add_command(worker.worker)
main_group.add_command(outbox.outbox)
main_group.add_command(buildings.buildings)
main_group.add_command(menu.menu)
main_group.add_command(doctor.doctor)
main_group.add_command(media.media)
main_group.add_command(users.users)
main_group.add_command(replies.templates)
main_group.add_command(replies.holidays)


def main() -> None:
    try:
        main_group(standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
