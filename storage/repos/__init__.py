"""Repositories: functions over an AsyncSession that read and write models and never commit."""

from storage.repos import (
    board,
    inbound,
    issues,
    media,
    numbers,
    org,
    outbox,
    people,
    public,
    rules,
    shared,
    stats,
    supporters,
    templates,
    timeline,
    users,
)

__all__ = [
    "board",
    "inbound",
    "issues",
    "media",
    "numbers",
    "org",
    "outbox",
    "people",
    "public",
    "rules",
    "shared",
    "stats",
    "supporters",
    "templates",
    "timeline",
    "users",
]
