"""`louwu rules`: admins edit, try, import, evaluate and mine rules from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import louwu

DEV_SET = Path(__file__).parents[1] / "data" / "dev_set.csv"


def test_try_shows_tokens_matches_scores_winner_and_why(cfg):
    out = louwu(cfg, "rules", "try", "四楼食堂下个月就关了").output
    assert "tokens" in out and "食堂" in out
    assert "winner" in out and "dining" in out
    assert "why" in out


def test_add_then_try_uses_the_new_word_and_the_change_is_audited(cfg):
    assert louwu(cfg, "rules", "add", "facilities", "投影仪", "--weight", "3").exit_code == 0
    assert "facilities" in louwu(cfg, "rules", "try", "投影仪黑屏").output.split("winner")[1]
    audit = louwu(cfg, "rules", "audit").output
    assert "add default" in audit and "投影仪" in audit


def test_add_to_unknown_category_is_one_clear_line(cfg):
    result = louwu(cfg, "rules", "add", "food", "饭")
    assert result.exit_code == 1
    assert "no category 'food'" in result.output


def test_import_of_a_bad_pack_changes_nothing(cfg, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[pack]\nname = "default"\n[categories.dining]\nname = "x"\n'
        '[categories.dining.keywords]\n"食堂" = "a lot"\n'
    )
    result = louwu(cfg, "rules", "import", str(bad), "--activate")
    assert result.exit_code == 1
    assert "bad.toml:6" in result.output and "nothing changed" in result.output
    assert "dining" in louwu(cfg, "rules", "try", "食堂关了").output.split("winner")[1]


def test_export_then_import_under_another_name(cfg, tmp_path):
    out = tmp_path / "pack.toml"
    assert louwu(cfg, "rules", "export", str(out)).exit_code == 0
    result = louwu(cfg, "rules", "import", str(out), "--name", "copy")
    assert "pack copy version 1 stored" in result.output
    assert "copy" in louwu(cfg, "rules", "list").output


def test_eval_json_has_the_documented_fields(cfg):
    result = louwu(cfg, "rules", "eval", str(DEV_SET), "--json")
    data = json.loads(result.output)["rules only"]
    assert {"accuracy", "macro_f1", "per_category"} <= set(data)
    assert set(data["per_category"]["dining"]) == {"precision", "recall", "f1", "support"}
    assert data["accuracy"] > 0.9


def test_eval_reports_labels_the_pack_does_not_know(cfg, tmp_path):
    csv = tmp_path / "x.csv"
    csv.write_text("text,label\n电梯坏了,facilities\n电梯坏了,lifts\n")
    out = louwu(cfg, "rules", "eval", str(csv)).output
    assert "does not know" in out and "lifts" in out


def test_eval_of_a_csv_without_columns_is_one_line(cfg, tmp_path):
    csv = tmp_path / "x.csv"
    csv.write_text("a,b\n1,2\n")
    result = louwu(cfg, "rules", "eval", str(csv))
    assert result.exit_code == 1
    assert "needs columns 'text' and 'label'" in result.output


def test_suggest_names_words_and_the_command_that_adopts_each(cfg):
    result = louwu(cfg, "rules", "suggest", "--category", "neighborhood")
    assert result.exit_code == 0, result.output
    assert "louwu rules add neighborhood" in result.output


def test_train_stores_a_model_that_eval_reports_three_ways(cfg, tmp_path):
    extra = tmp_path / "extra.csv"
    extra.write_text("text,label\n楼下烧烤摊油烟太大,neighborhood\n")
    result = louwu(cfg, "rules", "train", "--examples", str(extra))
    assert result.exit_code == 0, result.output
    assert "1 from extra.csv" in result.output
    report = json.loads(louwu(cfg, "rules", "eval", str(DEV_SET), "--json").output)
    assert set(report) == {"rules only", "model only", "combined"}


def test_try_says_which_layer_decided(cfg):
    out = louwu(cfg, "rules", "try", "中午想困中觉，没地方躺").output
    assert "decided by" in out and "model" in out
