"""`louwu rules …`: manage keyword rules (filled in by the rules engine work)."""

from __future__ import annotations

import click


@click.group()
def rules() -> None:
    """Keyword rules."""
