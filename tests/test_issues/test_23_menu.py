"""The Official Account's menu (#23): a TOML file checked against WeChat's limits, pushed and read back
through the fake of WeChat's API, a bad file refused with its line and reason."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import menu as menus
from bot.simulator.fake_limits import menu_refusal
from bot.simulator.fake_wechat import FakeWeChatAPI
from handlers import menu as menu_keys
from tests.admin.conftest import Browser
from tests.cli.test_cli import louwu
from tests.fake_thread import serve_in_thread


@pytest.fixture
def fake() -> Iterator[FakeWeChatAPI]:
    fake = FakeWeChatAPI("wx_louwu_demo")
    with serve_in_thread(fake):
        yield fake


@pytest.fixture
def cfg(tmp_path: Path, fake: FakeWeChatAPI) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path}/louwu.db"\n'
        f'[wechat]\napi_base_url = "{fake.url}"\napp_secret = "s"\n'
    )
    louwu(path, "db", "upgrade")
    return path


def test_the_shipped_menu_holds_every_key_louwu_answers_within_wechats_limits() -> None:
    shipped = menus.load(None)
    assert sorted(shipped.keys()) == sorted(
        [menu_keys.REPORT, menu_keys.MY_ISSUES, menu_keys.BIND, menu_keys.TODO]
    )
    assert menu_refusal(shipped.as_wechat()["button"]) is None


def test_the_menu_is_pushed_and_read_back_the_same(cfg: Path, fake: FakeWeChatAPI) -> None:
    assert "no menu" in louwu(cfg, "menu", "show").output
    pushed = louwu(cfg, "menu", "push")
    assert pushed.exit_code == 0, pushed.output
    assert fake.calls_to("/cgi-bin/menu/create")[0].body == menus.load(None).as_wechat()
    shown = louwu(cfg, "menu", "show").output
    assert "on the account: the same" in shown and "我要反映  (click REPORT)" in shown


def test_a_menu_that_differs_on_the_account_is_shown_beside_the_file(cfg: Path, fake: FakeWeChatAPI) -> None:
    fake.menu = [{"type": "view", "name": "官网", "url": "https://example.org"}]
    shown = louwu(cfg, "menu", "show").output
    assert "官网  (view https://example.org)" in shown and "different from the file" in shown


def test_delete_removes_the_menu_from_the_account(cfg: Path, fake: FakeWeChatAPI) -> None:
    louwu(cfg, "menu", "push")
    assert louwu(cfg, "menu", "delete", "--yes").exit_code == 0
    assert fake.menu is None


@pytest.mark.parametrize(
    ("toml", "says"),
    [
        (
            '[[button]]\nname = "一二三四五六"\ntype = "click"\nkey = "A"\n',
            ":1: button 1: name '一二三四五六' is 18 bytes, at most 16",
        ),
        (
            "".join(f'[[button]]\nname = "b{i}"\ntype = "click"\nkey = "K{i}"\n' for i in range(4)),
            "1 to 3 [[button]]",
        ),
        (
            '[[button]]\nname = "楼务"\n'
            + '[[button.sub_button]]\nname = "x"\ntype = "click"\nkey = "K"\n' * 6,
            ":1: button 1: a button has 1 to 5 [[button.sub_button]] tables, this one has 6",
        ),
        ('[[button]]\nname = "a"\ntype = "tap"\nkey = "K"\n', "type 'tap' is not a WeChat button type"),
        ('[[button]]\nname = "a"\ntype = "click"\n', 'a click button needs key = "…"'),
        (f'[[button]]\nname = "a"\ntype = "click"\nkey = "{"K" * 129}"\n', "key is 129 bytes, at most 128"),
        (f'[[button]]\nname = "a"\ntype = "view"\nurl = "https://x/{"u" * 1020}"\n', "at most 1024"),
        (
            '[[button]]\nname = "a"\ntype = "click"\nkey = "K"\n\n[[button]]\nname = "楼务"\n'
            '  [[button.sub_button]]\n  name = "b"\n  type = "view"\n  url = "ftp://x"\n',
            ":8: button 2, sub-button 1: url must start with http",
        ),
        ("[[button]\n", "not valid TOML"),
    ],
)
def test_a_bad_menu_file_is_refused_with_its_line_and_reason(
    cfg: Path, fake: FakeWeChatAPI, tmp_path: Path, toml: str, says: str
) -> None:
    bad = tmp_path / "menu.toml"
    bad.write_text(toml, encoding="utf-8")
    result = louwu(cfg, "menu", "push", str(bad))
    assert result.exit_code == 1 and says in result.output, result.output
    assert fake.calls_to("/cgi-bin/menu/create") == []


def test_wechats_own_refusal_is_one_clear_line(cfg: Path, fake: FakeWeChatAPI) -> None:
    fake.fail_next("/cgi-bin/menu/create", 40018)
    result = louwu(cfg, "menu", "push")
    assert result.exit_code == 1 and "WeChat refused the menu" in result.output and "40018" in result.output


def test_the_fake_answers_wechats_limit_errcodes() -> None:
    assert menu_refusal([]) == (40016, "invalid button size")
    assert menu_refusal([{"type": "click", "name": "一二三四五六", "key": "K"}])[0] == 40018
    subs = [{"type": "click", "name": "s", "key": "K" * 129}]
    assert menu_refusal([{"name": "楼务", "sub_button": subs}])[0] == 40026


async def test_the_admin_web_shows_the_checks_and_the_menu_and_pushes_it(
    browser: Browser, fake_wechat: FakeWeChatAPI
) -> None:
    await browser.login("admin")
    page = await browser.get("/admin/account")
    assert "接口凭证" in page.body_text and "楼宇二维码" in page.body_text and "还没有菜单" in page.body_text
    pushed = await browser.post("/admin/account/menu", {})
    page = await browser.get(pushed.headers["Location"])
    assert "菜单已推送" in page.body_text and "和菜单文件一样" in page.body_text
    assert fake_wechat.menu == menus.load(None).as_wechat()["button"]


async def test_only_admins_see_the_account_page(browser: Browser) -> None:
    await browser.login("kdk")
    assert (await browser.get("/admin/account")).status == 403
