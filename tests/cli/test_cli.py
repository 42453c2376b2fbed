"""The `louwu` command: set-up, seeding and listing, with mistakes reported as one clear line."""

from __future__ import annotations

import asyncio
import csv
import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli.common import main_group, new_event_loop
from bot.clock import FrozenClock
from bot.config import config_from_dict, load_config
from storage import repos
from storage.db import make_engine, make_sessionmaker

DEMO = Path(__file__).parents[2] / "bot" / "demo" / "demo.toml"


@pytest.fixture
def cfg(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path}/louwu.db"\n')
    return path


def louwu(cfg: Path, *args: str):
    return CliRunner().invoke(main_group, ["--config", str(cfg), *args], catch_exceptions=False)


def test_db_upgrade_creates_the_schema_and_loads_default_rules(cfg):
    result = louwu(cfg, "db", "upgrade")
    assert result.exit_code == 0, result.output
    assert "default rule pack and model loaded" in result.output
    again = louwu(cfg, "db", "upgrade")
    assert "default rule pack and model loaded" not in again.output


def test_seed_twice_changes_nothing_the_second_time(cfg):
    louwu(cfg, "db", "upgrade")
    first = louwu(cfg, "seed", str(DEMO))
    assert first.exit_code == 0, first.output
    assert "5 buildings" in first.output
    second = louwu(cfg, "seed", str(DEMO))
    assert "0 changed" in second.output


def test_bad_seed_row_is_reported_with_its_line_and_nothing_loaded(cfg, tmp_path):
    louwu(cfg, "db", "upgrade")
    bad = tmp_path / "bad.toml"
    bad.write_text(
        textwrap.dedent(
            """\
            [[grids]]
            code = "g"
            name = "G"
            level = "street"

            [[buildings]]
            code = "b"
            name = "B"
            grid = "g"

            [[members]]
            openid = "o1"
            name = "X"
            role = "boss"
            building = "b"
            """
        )
    )
    result = louwu(cfg, "seed", str(bad))
    assert result.exit_code == 1
    assert "bad.toml:11" in result.output
    assert "role 'boss'" in result.output
    listing = louwu(cfg, "seed", str(DEMO))
    assert "17 changed" in listing.output  # nothing of bad.toml was loaded before


def test_issues_list_json_has_the_public_fields(cfg):
    louwu(cfg, "db", "upgrade")
    result = louwu(cfg, "issues", "list", "--json")
    assert result.exit_code == 0
    assert json.loads(result.output) == []


def test_broken_config_is_one_line(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[database]\nurll = 'x'\n")
    result = CliRunner().invoke(main_group, ["--config", str(path), "issues", "list"])
    assert result.exit_code == 1
    assert "unknown key [database] urll" in result.output
    assert "Traceback" not in result.output


def test_serve_refuses_an_old_schema(cfg):
    result = louwu(cfg, "serve")
    assert result.exit_code == 1
    assert "louwu db upgrade" in result.output


def test_serve_and_worker_run_on_uvloop():
    loop = new_event_loop(config_from_dict({}, "defaults"))
    loop.close()
    assert type(loop).__module__.startswith("uvloop")


def test_uvloop_can_be_turned_off():
    loop = new_event_loop(config_from_dict({"server": {"uvloop": False}}, "test"))
    loop.close()
    assert type(loop).__module__.startswith("asyncio")


def test_database_down_is_one_line(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[database]\nurl = "postgresql+asyncpg://nobody@127.0.0.1:1/none"\n')
    result = CliRunner().invoke(main_group, ["--config", str(path), "issues", "list"])
    assert result.exit_code == 1
    assert "database unavailable" in result.output


def test_issues_list_masks_personal_data_unless_asked(cfg):
    louwu(cfg, "db", "upgrade")
    asyncio.run(_file(cfg, "车主电话13812345678，车天天堵门口"))
    masked = json.loads(louwu(cfg, "issues", "list", "--json").output)
    clear = json.loads(louwu(cfg, "issues", "list", "--json", "--unmasked").output)
    assert masked[0]["text"] == "车主电话138****5678，车天天堵门口"
    assert clear[0]["text"] == "车主电话13812345678，车天天堵门口"


async def _file(cfg: Path, text: str) -> None:
    engine = make_engine(load_config(cfg).database.url)
    async with make_sessionmaker(engine).begin() as db:
        new = repos.issues.NewIssue(text, "other", [], {}, False, None, None, None)
        await repos.issues.create(db, new, "reporter", FrozenClock().now())
    await engine.dispose()


def test_issues_export_writes_csv_with_personal_data_masked(cfg, tmp_path):
    louwu(cfg, "db", "upgrade")
    asyncio.run(_file(cfg, "车主电话13812345678，车天天堵门口"))
    out = tmp_path / "issues.csv"
    result = louwu(cfg, "issues", "export", str(out))
    assert result.exit_code == 0 and "1 issues written" in result.output
    [header, row] = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert header[0] == "number" and row[-1] == "车主电话138****5678，车天天堵门口"


def test_issues_show_prints_one_issue_and_its_timeline(cfg):
    louwu(cfg, "db", "upgrade")
    asyncio.run(_file(cfg, "车主电话13812345678，车天天堵门口"))
    shown = louwu(cfg, "issues", "show", "1").output
    assert "#1 待受理" in shown and "138****5678" in shown and "提交反映" in shown
    assert "no issue #9" in louwu(cfg, "issues", "show", "9").output
