"""Repositories: functions over an AsyncSession that read and write models and never commit."""

from storage.repos import (
    board,
    inbound,
    issues,
    media,
    org,
    outbox,
    people,
    rules,
    shared,
    stats,
    templates,
    users,
)

__all__ = [
    "board",
    "inbound",
    "issues",
    "media",
    "org",
    "outbox",
    "people",
    "rules",
    "shared",
    "stats",
    "templates",
    "users",
]
