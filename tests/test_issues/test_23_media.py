"""Pictures and voice kept as evidence (#23): fetched through media/get from the fake of WeChat's API,
pictures stripped of EXIF (the GPS position of whoever took them) and re-encoded, kept in the media
store (a directory on SQLite, the database on PostgreSQL), shown to those whose scope holds the issue."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select

from bot.api.auth import api_token_hash
from bot.app import create_app
from bot.keys import JOBS
from bot.simulator.fake_wechat import FakeWeChatAPI
from storage import repos
from storage.media_store import DirectoryStore
from storage.models import IssueEvent, MediaItem
from tests.admin.conftest import Browser
from tests.admin.test_admin_web import file_issue
from tests.cli.test_cli import louwu
from tests.conftest import APP_ID, TOKEN, make_config
from tests.wx import WeChatSender

GPS = 0x8825


def photo_with_gps(size: tuple[int, int] = (3000, 2000)) -> bytes:
    img = Image.new("RGB", size, (200, 80, 40))
    exif = img.getexif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif.get_ifd(GPS).update({1: "N", 2: (31.0, 13.0, 42.0), 3: "E", 4: (121.0, 26.0, 56.0)})
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


async def send_picture(
    wx: WeChatSender, fake: FakeWeChatAPI, openid: str, data: bytes, kind: str = "image/jpeg"
) -> str:
    media_id = fake.add_media(data, kind)
    answer = await wx.post(wx.message(openid, "image", PicUrl="http://mmbiz.qpic.cn/x", MediaId=media_id).xml)
    return answer.text


async def media_rows(sessionmaker: Any) -> list[MediaItem]:
    async with sessionmaker() as s:
        return list((await s.execute(select(MediaItem).order_by(MediaItem.id))).scalars())


async def timeline(sessionmaker: Any) -> list[str]:
    async with sessionmaker() as s:
        return list((await s.execute(select(IssueEvent.note).order_by(IssueEvent.id))).scalars())


def test_the_picture_made_for_these_tests_carries_a_gps_position() -> None:
    assert Image.open(io.BytesIO(photo_with_gps())).getexif().get_ifd(GPS)


async def test_a_picture_with_gps_is_kept_without_metadata_and_shown_on_the_issue_page(
    wx: WeChatSender, fake_wechat: FakeWeChatAPI, jobs: Any, browser: Browser, sessionmaker: Any, db_url: str
) -> None:
    await file_issue(wx, "o_alice", "kdk", "五楼男厕所水管漏水，地上全是水")
    assert "#1" in await send_picture(wx, fake_wechat, "o_alice", photo_with_gps())
    assert await jobs.keep_media() == 1
    [kept] = await media_rows(sessionmaker)
    assert kept.status == "kept" and kept.content_type == "image/jpeg"
    if db_url.startswith("sqlite"):
        assert (
            kept.data is None
            and Path(db_url.split("///")[1]).parent.joinpath("media", "00000001.jpg").exists()
        )
    else:
        assert kept.data is not None  # PostgreSQL: the database is the store
    assert "[图片] 已保存，可在管理后台查看" in await timeline(sessionmaker)

    await browser.login("admin")
    page = await browser.get("/admin/issues/1")
    assert 'src="/admin/media/1/thumb"' in page.body_text
    full = await browser.client.get("/admin/media/1")
    picture = Image.open(io.BytesIO(await full.read()))
    assert full.status == 200 and picture.format == "JPEG" and max(picture.size) == 2048
    assert not picture.getexif() and "exif" not in picture.info
    thumb = Image.open(io.BytesIO(await (await browser.client.get("/admin/media/1/thumb")).read()))
    assert max(thumb.size) == 240


async def test_a_convener_of_another_building_cannot_see_the_picture(
    wx: WeChatSender, fake_wechat: FakeWeChatAPI, jobs: Any, browser: Browser
) -> None:
    await file_issue(wx, "o_bob", "hlgc", "恒隆广场门口的地砖翘起来了")
    await send_picture(wx, fake_wechat, "o_bob", photo_with_gps((400, 300)))
    await jobs.keep_media()
    await browser.login("kdk")
    assert (await browser.client.get("/admin/media/1")).status == 403
    assert (await browser.client.get("/admin/media/1/thumb")).status == 403


async def test_an_expired_media_id_is_one_note_on_the_timeline_not_a_retry_loop(
    wx: WeChatSender, fake_wechat: FakeWeChatAPI, jobs: Any, sessionmaker: Any
) -> None:
    await file_issue(wx, "o_alice", "kdk", "电梯按钮掉了")
    media_id = fake_wechat.add_media(photo_with_gps((400, 300)))
    wx.clock.advance(days=4)  # the keeper was down for longer than WeChat keeps temporary media
    await wx.post(wx.message("o_alice", "image", PicUrl="http://mmbiz.qpic.cn/x", MediaId=media_id).xml)
    await jobs.keep_media()
    await jobs.keep_media()
    wx.clock.advance(hours=2)
    await jobs.keep_media()
    [row] = await media_rows(sessionmaker)
    assert row.status == "expired" and len(fake_wechat.calls_to("/cgi-bin/media/get")) == 1
    assert any("没能保存：微信的临时素材已过期" in n for n in await timeline(sessionmaker))


async def test_what_is_not_a_picture_is_refused_with_a_note(
    wx: WeChatSender, fake_wechat: FakeWeChatAPI, jobs: Any, sessionmaker: Any
) -> None:
    await file_issue(wx, "o_alice", "kdk", "电梯按钮掉了")
    await send_picture(wx, fake_wechat, "o_alice", b"<html><script>alert(1)</script></html>")
    await jobs.keep_media()
    [row] = await media_rows(sessionmaker)
    assert row.status == "refused" and row.data is None
    assert any("[图片] 没能保存：不是能打开的图片" in n for n in await timeline(sessionmaker))


async def test_a_failed_download_is_retried_later_and_then_kept(
    wx: WeChatSender, fake_wechat: FakeWeChatAPI, jobs: Any, sessionmaker: Any
) -> None:
    await file_issue(wx, "o_alice", "kdk", "电梯按钮掉了")
    await send_picture(wx, fake_wechat, "o_alice", photo_with_gps((400, 300)))
    fake_wechat.fail_next("/cgi-bin/media/get", 503)
    await jobs.keep_media()
    [row] = await media_rows(sessionmaker)
    assert row.status == "pending" and row.attempts == 1
    wx.clock.advance(minutes=2)
    await jobs.keep_media()
    assert (await media_rows(sessionmaker))[0].status == "kept"


async def test_voice_without_recognition_is_kept_and_the_reporter_asked_to_type(
    wx: WeChatSender, fake_wechat: FakeWeChatAPI, jobs: Any, sessionmaker: Any
) -> None:
    await file_issue(wx, "o_alice", "kdk", "电梯按钮掉了")
    media_id = fake_wechat.add_media(b"#!AMR\n" + bytes(200), "audio/amr")
    answer = await wx.post(wx.message("o_alice", "voice", MediaId=media_id, Format="amr").xml)
    assert "请用文字说一下" in answer.text
    await jobs.keep_media()
    [row] = await media_rows(sessionmaker)
    assert row.kind == "voice" and row.status == "kept" and row.content_type == "audio/amr"


async def test_an_unfollowers_media_go_with_the_rest_of_their_data(
    wx: WeChatSender, fake_wechat: FakeWeChatAPI, jobs: Any, sessionmaker: Any
) -> None:
    await file_issue(wx, "o_alice", "kdk", "电梯按钮掉了")
    await send_picture(wx, fake_wechat, "o_alice", photo_with_gps((400, 300)))
    await jobs.keep_media()
    await wx.event("o_alice", "unsubscribe")
    await jobs.keep_media()
    assert await media_rows(sessionmaker) == []


async def test_purge_removes_media_received_before_a_date_from_the_store(
    wx: WeChatSender, fake_wechat: FakeWeChatAPI, jobs: Any, sessionmaker: Any
) -> None:
    await file_issue(wx, "o_alice", "kdk", "电梯按钮掉了")
    await send_picture(wx, fake_wechat, "o_alice", photo_with_gps((400, 300)))
    await jobs.keep_media()
    [row] = await media_rows(sessionmaker)
    assert await jobs.keeper.store.read(row) is not None
    assert await jobs.keeper.purge(wx.clock.now()) == 0  # received at this very moment: not before it
    assert await jobs.keeper.purge(wx.clock.advance(days=1)) == 1
    assert await media_rows(sessionmaker) == []  # on PostgreSQL the bytes went with the row
    if isinstance(jobs.keeper.store, DirectoryStore):
        assert not list(jobs.keeper.store.root.iterdir())


async def test_the_api_serves_pictures_only_to_tokens_that_read_personal_data(
    wx: WeChatSender, fake_wechat: FakeWeChatAPI, jobs: Any, sessionmaker: Any, client: Any, users: None
) -> None:
    await file_issue(wx, "o_alice", "kdk", "电梯按钮掉了")
    await send_picture(wx, fake_wechat, "o_alice", photo_with_gps((400, 300)))
    await jobs.keep_media()
    async with sessionmaker.begin() as db:
        user = await repos.users.by_name(db, "kdk")
        await repos.users.add_token(db, user, "clear", api_token_hash("clear-token"), wx.clock.now(), True)
        await repos.users.add_token(db, user, "masked", api_token_hash("masked-token"), wx.clock.now())
    clear, masked = ({"Authorization": f"Bearer {t}-token"} for t in ("clear", "masked"))
    shown = await (await client.get("/api/v1/issues/1", headers=clear)).json()
    assert shown["media"] == [{"id": 1, "kind": "image", "status": "kept", "url": "/api/v1/issues/1/media/1"}]
    assert (await (await client.get("/api/v1/issues/1", headers=masked)).json())["media"][0]["url"] is None
    picture = await client.get("/api/v1/issues/1/media/1", headers=clear)
    assert picture.status == 200 and (await picture.read())[:2] == b"\xff\xd8"
    assert (await client.get("/api/v1/issues/1/media/1", headers=masked)).status == 403


@pytest.mark.parametrize("public", [False, True], ids=["private", "public"])
async def test_open311_links_pictures_only_where_media_are_public(
    aiohttp_client: Any, db_url: str, fake_wechat: FakeWeChatAPI, clock: Any, public: bool
) -> None:
    config = make_config(db_url, fake_wechat.url, open311={"enabled": True}, media={"public": public})
    client = await aiohttp_client(create_app(config, clock=clock))
    wx = WeChatSender(client, TOKEN, APP_ID, clock=clock)
    await file_issue(wx, "o_alice", "kdk", "电梯按钮掉了")
    await send_picture(wx, fake_wechat, "o_alice", photo_with_gps((400, 300)))
    await client.server.app[JOBS].keep_media()
    [request] = await (await client.get("/open311/v2/requests/1.json")).json()
    served = await client.get("/open311/v2/media/1.jpg")
    if public:
        assert request["media_url"].endswith("/open311/v2/media/1.jpg") and served.status == 200
    else:
        assert request["media_url"] is None and served.status == 404


def test_media_purge_wants_a_date_and_removes_nothing_without_one(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path}/louwu.db"\n')
    louwu(cfg, "db", "upgrade")
    bad = louwu(cfg, "media", "purge", "--before", "last week")
    assert bad.exit_code == 1 and "expected a date like 2026-11-01" in bad.output
    assert "removed 0" in louwu(cfg, "media", "purge", "--before", "2026-11-01").output
    assert f"store: {tmp_path}/media" in louwu(cfg, "media", "list").output
