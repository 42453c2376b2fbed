"""#20: the other holes of the probe, each closed where its rule lives: sessions end on the server,
rule weights are finite, codes follow a pattern, and Open311's notes are masked."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from bot import passwords
from bot.app import create_app
from bot.seed import SeedError, read_seed
from nlp.defaults import default_pack
from nlp.pack import PackError
from nlp.pack_edit import add_keyword
from storage import repos
from storage.models import InvalidCode
from tests.admin.conftest import Browser
from tests.cli.test_cli import louwu
from tests.conftest import APP_ID, TOKEN, make_config
from tests.wx import WeChatSender


async def test_a_cookie_saved_before_logout_reads_nothing_after(browser: Browser) -> None:
    await browser.login("admin")
    saved = {c.key: c.value for c in browser.client.session.cookie_jar}
    assert (await browser.get("/admin/issues")).status == 200
    await browser.post("/admin/logout", {})
    replay = Browser(browser.client)
    browser.client.session.cookie_jar.update_cookies(saved)
    resp = await replay.client.get("/admin/issues", allow_redirects=False)
    assert resp.status == 302 and resp.headers["Location"].startswith("/admin/login")


async def test_a_password_change_ends_every_session(browser: Browser, sessionmaker: Any) -> None:
    await browser.login("kdk")
    async with sessionmaker.begin() as db:
        user = await repos.users.by_name(db, "kdk")
        assert user is not None
        repos.users.set_password(user, passwords.hash_password("another password!"))
    resp = await browser.client.get("/admin/issues", allow_redirects=False)
    assert resp.status == 302


@pytest.mark.parametrize("weight", [math.nan, math.inf, -math.inf, 1e309, 1e6])
def test_a_weight_must_be_a_finite_number_in_range(weight: float) -> None:
    with pytest.raises(PackError, match="weight"):
        add_keyword(default_pack(), "facilities", "投影仪", weight)


@pytest.mark.parametrize("weight", ["nan", "1e309", "inf"])
async def test_the_web_refuses_a_weight_that_is_not_finite(browser: Browser, weight: str) -> None:
    await browser.login("admin")
    await browser.get("/admin/rules")
    form = {"category": "facilities", "word": "投影仪", "kind": "keyword", "weight": weight}
    resp = await browser.post("/admin/rules/words", form)
    assert "error=" in resp.headers["Location"]
    exported = await browser.get("/admin/rules/export")
    assert "投影仪" not in exported.body_text


def test_the_cli_refuses_a_weight_that_is_not_finite(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path}/louwu.db"\n')
    assert louwu(cfg, "db", "upgrade").exit_code == 0
    result = louwu(cfg, "rules", "add", "facilities", "投影仪", "--weight", "nan")
    assert result.exit_code == 1 and "weight" in result.output
    assert "投影仪" not in louwu(cfg, "rules", "export").output


@pytest.mark.parametrize("code", ['../../x"><script>', "a b", "", "-x", "楼", "x" * 65])
async def test_a_building_code_outside_the_pattern_is_refused(sessionmaker: Any, code: str) -> None:
    async with sessionmaker.begin() as db:
        with pytest.raises(InvalidCode):
            await repos.org.upsert_building(db, code, "大楼", [], None, None)


async def test_the_web_says_what_a_code_may_be(browser: Browser) -> None:
    await browser.login("admin")
    await browser.get("/admin/org")
    resp = await browser.post("/admin/org/buildings", {"code": '../../x"><script>', "name": "坏楼"})
    assert "error=" in resp.headers["Location"]
    assert "坏楼" not in (await browser.get("/admin/org")).body_text


def test_a_seed_file_with_a_bad_code_names_its_line(tmp_path: Path) -> None:
    seed = tmp_path / "seed.toml"
    seed.write_text(
        '[[buildings]]\ncode = "kdk"\nname = "凯迪克"\n\n[[buildings]]\ncode = "a/b"\nname = "坏楼"\n'
    )
    with pytest.raises(SeedError, match=r"seed.toml:5: code 'a/b'"):
        read_seed(seed)


@pytest.mark.usefixtures("demo")
async def test_open311_masks_personal_data_in_status_notes(
    aiohttp_client: Any, db_url: str, fake_wechat: Any, clock: Any
) -> None:
    config = make_config(db_url, fake_wechat.url, open311={"enabled": True})
    client = await aiohttp_client(create_app(config, clock=clock))
    wx = WeChatSender(client, TOKEN, APP_ID, clock=clock)
    await wx.reporter("o_alice").follows("kdk")
    await wx.reporter("o_alice").says("电梯又坏了，等了二十分钟")
    await wx.reporter("o_conv_kdk").says("受理 1 已电话联系反映人13511112222")
    [request] = await (await client.get("/open311/v2/requests/1.json")).json()
    assert "135****2222" in request["status_notes"] and "13511112222" not in str(request)


@pytest.mark.usefixtures("demo")
async def test_a_number_cut_by_a_title_still_reaches_supporters_masked(
    wx: WeChatSender, jobs: Any, fake_wechat: Any
) -> None:
    """A title is cut at 16 characters: masked before the cut, so no half number slips through."""
    alice, bob = wx.reporter("o_alice"), wx.reporter("o_bob")
    await alice.follows("kdk")
    await bob.follows("kdk")
    await alice.says("电梯坏了请联系13511112222谢谢")
    await bob.says("附议 1")
    assert "1351111" not in await bob.says("进度")
    await wx.reporter("o_conv_kdk").says("受理 1")
    await jobs.dispatch_outbox()
    assert fake_wechat.sent_to("o_bob") and not any("1351111" in m for m in fake_wechat.sent_to("o_bob"))
