"""`louwu doctor` (#23): the configuration checked against the account (the fake of WeChat's API) and
this machine, one line each with the fix; exit status 0 when nothing fails, warnings allowed."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.simulator.fake_wechat import FakeWeChatAPI
from storage.db import make_engine, make_sessionmaker
from storage.models import Building
from tests.cli.test_cli import DEMO, louwu
from tests.fake_thread import serve_in_thread

SECRET = "doctor-secret"


@pytest.fixture
def fake() -> Iterator[FakeWeChatAPI]:
    fake = FakeWeChatAPI("wx_louwu_demo", SECRET)
    with serve_in_thread(fake):
        yield fake


def configure(tmp_path: Path, fake: FakeWeChatAPI, **wechat: str) -> Path:
    path = tmp_path / "config.toml"
    settings = {"api_base_url": fake.url, "app_secret": SECRET, **wechat}
    path.write_text(
        f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path}/louwu.db"\n[wechat]\n'
        + "".join(f'{k} = "{v}"\n' for k, v in settings.items())
        + '[templates]\nissue_update = "demo_issue_update"\nalert = "demo_alert"\n'
    )
    return path


@pytest.fixture
def ready(tmp_path: Path, fake: FakeWeChatAPI) -> Path:
    """An account set up as it should be: schema, buildings with QR codes, the menu pushed."""
    cfg = configure(tmp_path, fake)
    louwu(cfg, "db", "upgrade")
    louwu(cfg, "seed", str(DEMO))
    for code in ("hlgc", "kdk", "citic", "oocl", "bohua"):
        assert louwu(cfg, "buildings", "qrcode", code, "--out", str(tmp_path / f"{code}.png")).exit_code == 0
    assert louwu(cfg, "menu", "push").exit_code == 0
    return cfg


def test_a_good_configuration_passes_with_only_the_holidays_as_a_warning(ready: Path) -> None:
    result = louwu(ready, "doctor")
    assert result.exit_code == 0, result.output
    assert "✗" not in result.output and "all 8 checks pass" in result.output
    for line in (
        "✓ 数据库",
        "✓ 接口凭证",
        "✓ 进展模板",
        "✓ 提醒模板",
        "✓ 菜单",
        "✓ 楼宇二维码",
        "✓ 媒体存储",
    ):
        assert line in result.output


@pytest.mark.parametrize(
    ("wechat", "says"),
    [
        ({"app_id": "wx_wrong"}, "40013"),
        ({"app_secret": "wrong"}, "AppSecret 不对"),
    ],
)
def test_wrong_credentials_fail_with_the_fix(
    ready: Path, tmp_path: Path, fake: FakeWeChatAPI, wechat: dict[str, str], says: str
) -> None:
    cfg = configure(tmp_path, fake, **wechat)
    result = louwu(cfg, "doctor")
    assert result.exit_code == 1 and says in result.output and "✗ 接口凭证" in result.output
    assert "- 菜单：数据库或接口凭证未通过" in result.output  # skipped, not failed twice


def test_a_server_not_on_the_ip_allow_list_is_told_the_ip_wechat_saw(
    ready: Path, fake: FakeWeChatAPI
) -> None:
    fake.refuse_ip("203.0.113.7")
    result = louwu(ready, "doctor")
    assert (
        result.exit_code == 1
        and "本机 IP 203.0.113.7 不在 IP 白名单：在「基本配置 → IP白名单」加上 203.0.113.7" in result.output
    )


def test_a_template_id_the_account_lacks_fails(ready: Path, fake: FakeWeChatAPI) -> None:
    del fake.templates["demo_alert"]
    result = louwu(ready, "doctor")
    assert result.exit_code == 1 and "✗ 提醒模板：模板 demo_alert 不在公众号的「我的模板」里" in result.output


def test_template_keys_that_do_not_match_fail_naming_them(ready: Path, fake: FakeWeChatAPI) -> None:
    fake.templates["demo_issue_update"] = "单号:{{character_string9.DATA}} 事项:{{thing2.DATA}}"
    result = louwu(ready, "doctor")
    assert result.exit_code == 1 and "没有 character_string1、phrase3、time4" in result.output


def test_a_menu_that_differs_from_the_file_fails_with_the_command_to_push(
    ready: Path, fake: FakeWeChatAPI
) -> None:
    fake.menu = None
    assert "✗ 菜单：公众号还没有菜单  → louwu menu push" in louwu(ready, "doctor").output
    fake.menu = [{"type": "click", "name": "旧菜单", "key": "OLD"}]
    assert "✗ 菜单：公众号的菜单和菜单文件不一样" in louwu(ready, "doctor").output


def test_a_building_without_its_qr_code_fails_naming_it(ready: Path, tmp_path: Path) -> None:
    async def forget() -> None:
        engine = make_engine(f"sqlite+aiosqlite:///{tmp_path}/louwu.db")
        async with make_sessionmaker(engine).begin() as s:
            (await s.get(Building, 1)).qr_url = None
        await engine.dispose()

    asyncio.run(forget())
    result = louwu(ready, "doctor")
    assert (
        result.exit_code == 1
        and "1 栋楼宇没有二维码" in result.output
        and "louwu buildings qrcode" in result.output
    )


def test_an_old_schema_fails_with_the_command_to_upgrade(tmp_path: Path, fake: FakeWeChatAPI) -> None:
    result = louwu(configure(tmp_path, fake), "doctor")
    assert result.exit_code == 1 and "✗ 数据库" in result.output and "louwu db upgrade" in result.output


def test_without_an_app_secret_the_passive_mode_is_a_warning_not_a_failure(
    tmp_path: Path, fake: FakeWeChatAPI
) -> None:
    cfg = configure(tmp_path, fake, app_secret="")
    louwu(cfg, "db", "upgrade")
    louwu(cfg, "seed", str(DEMO))
    result = louwu(cfg, "doctor")
    assert result.exit_code == 0, result.output
    assert "! 接口凭证" in result.output and "「绑定 楼宇名」" in result.output


def test_a_media_directory_louwu_cannot_write_fails(ready: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the media directory should be")
    ready.write_text(ready.read_text() + f'[media]\ndir = "{blocked}"\n')
    result = louwu(ready, "doctor")
    assert result.exit_code == 1 and "✗ 媒体存储" in result.output
