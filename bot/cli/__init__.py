"""The `louwu` command: one click group, one module per noun."""

from __future__ import annotations

import sys

import click

from bot.cli import db, demo, issues, rules, seed, serve
from bot.cli.common import main_group

main_group.add_command(db.db)
main_group.add_command(serve.serve)
main_group.add_command(seed.seed)
main_group.add_command(issues.issues)
main_group.add_command(rules.rules)
main_group.add_command(demo.demo)


def main() -> None:
    try:
        main_group(standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
