"""Repositories: functions over an AsyncSession that read and write models and never commit."""

from storage.repos import inbound, issues, org, people, rules

__all__ = ["inbound", "issues", "org", "people", "rules"]
