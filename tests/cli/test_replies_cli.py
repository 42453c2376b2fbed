"""`louwu templates` and `louwu holidays`: reply templates and the working-day calendar from the CLI."""

from __future__ import annotations

from pathlib import Path

from handlers.workdays import TEMPLATE
from tests.cli.test_cli import louwu


def test_a_template_set_for_a_category_is_listed_then_reset(cfg: Path) -> None:
    result = louwu(
        cfg, "templates", "set", "resolved", "{category}问题已办好。{note}", "--category", "dining"
    )
    assert result.exit_code == 0 and "餐饮就餐问题已办好。" in result.output
    assert "dining       {category}问题已办好" in louwu(cfg, "templates", "list").output
    assert louwu(cfg, "templates", "reset", "resolved", "--category", "dining").exit_code == 0
    assert "问题已办好" not in louwu(cfg, "templates", "list").output


def test_a_template_with_an_unknown_placeholder_is_one_clear_line(cfg: Path) -> None:
    result = louwu(cfg, "templates", "set", "accepted", "已受理 {who}")
    assert result.exit_code == 1 and "不认识的占位符 {who}" in result.output


def test_holidays_export_then_import_of_next_year(cfg: Path, tmp_path: Path) -> None:
    assert louwu(cfg, "holidays", "export").output == TEMPLATE.read_text(encoding="utf-8")
    extended = tmp_path / "holidays.toml"
    extended.write_text(TEMPLATE.read_text(encoding="utf-8") + '\n[2027]\noff = ["2027-01-01"]\n')
    result = louwu(cfg, "holidays", "import", str(extended))
    assert result.exit_code == 0 and "years 2027" in result.output
    shown = louwu(cfg, "holidays", "show").output
    assert "chinese-calendar" in shown and "2004–2026" in shown and "the admins' file: 2027" in shown


def test_a_bad_holidays_file_changes_nothing(cfg: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[2027]\noff = ["2027-02-30"]\n')
    result = louwu(cfg, "holidays", "import", str(bad))
    assert result.exit_code == 1 and "'2027-02-30' is not a date" in result.output
    assert louwu(cfg, "holidays", "export").output == TEMPLATE.read_text(encoding="utf-8")
