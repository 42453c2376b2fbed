"""A config file over a migrated SQLite database of the test's own (test_cli.py has its own
`cfg`, not yet migrated, for the set-up commands)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_cli import louwu


@pytest.fixture
def cfg(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path}/louwu.db"\n')
    assert louwu(path, "db", "upgrade").exit_code == 0
    return path
