"""The `louwu` command: one click group, one module per noun, each imported when its command runs."""

from __future__ import annotations

import sys

import click

from bot.cli.common import main_group

main_group.lazy.update(
    {
        "db": "bot.cli.db:db",
        "serve": "bot.cli.serve:serve",
        "seed": "bot.cli.seed:seed",
        "issues": "bot.cli.issues:issues",
        # bot.cli.learning adds eval, suggest, examples and train to the group of bot.cli.rules.
        "rules": "bot.cli.learning:rules",
        "demo": "bot.cli.demo:demo",
        "worker": "bot.cli.worker:worker",
        "outbox": "bot.cli.outbox:outbox",
        "buildings": "bot.cli.buildings:buildings",
        "menu": "bot.cli.menu:menu",
        "doctor": "bot.cli.doctor:doctor",
        "media": "bot.cli.media:media",
        "users": "bot.cli.users:users",
        "templates": "bot.cli.replies:templates",
        "holidays": "bot.cli.replies:holidays",
    }
)


def main() -> None:
    try:
        main_group(standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
