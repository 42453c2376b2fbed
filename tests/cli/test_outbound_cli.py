"""`louwu outbox` and `louwu buildings qrcode`: what admins see and do on the way out."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest

from bot.simulator.fake_wechat import FakeWeChatAPI
from storage import repos
from storage.db import make_engine, make_sessionmaker
from storage.repos.outbox import NewMessage, Outcome
from tests.cli.test_cli import DEMO, louwu
from tests.fake_thread import serve_in_thread


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path}/louwu.db"


@pytest.fixture
def cfg(tmp_path: Path, db: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "{db}"\n')
    louwu(path, "db", "upgrade")
    return path


def _failed_row(url: str) -> None:
    async def go() -> None:
        engine = make_engine(url)
        now = dt.datetime.now(dt.UTC)
        async with make_sessionmaker(engine).begin() as session:
            await repos.outbox.enqueue(session, [NewMessage("o_alice", "update", "hello")], now)
        async with make_sessionmaker(engine).begin() as session:
            await repos.outbox.record(
                session, [Outcome(1, "failed", 1, now, "custom", "43004 require subscribe")]
            )
        await engine.dispose()

    asyncio.run(go())


def test_outbox_list_shows_failures_with_their_reason(cfg: Path, db: str) -> None:
    _failed_row(db)
    result = louwu(cfg, "outbox", "list", "--failed")
    assert result.exit_code == 0, result.output
    assert "failed: 1" in result.output and "43004 require subscribe" in result.output


def test_outbox_retry_queues_a_failed_message_again(cfg: Path, db: str) -> None:
    _failed_row(db)
    assert "queued again" in louwu(cfg, "outbox", "retry", "1").output
    assert "pending: 1" in louwu(cfg, "outbox", "list").output


def test_outbox_retry_of_an_unknown_message_says_so(cfg: Path) -> None:
    result = louwu(cfg, "outbox", "retry", "99")
    assert result.exit_code == 1 and "no failed or waiting message 99" in result.output


def test_outbox_purge_wants_a_date(cfg: Path) -> None:
    result = louwu(cfg, "outbox", "purge", "--sent-before", "last week")
    assert result.exit_code == 1 and "expected a date like" in result.output
    assert "purged 0" in louwu(cfg, "outbox", "purge", "--sent-before", "2026-11-01").output


def test_building_qrcode_is_made_once_and_drawn_locally(cfg: Path, tmp_path: Path) -> None:
    louwu(cfg, "seed", str(DEMO))
    fake = FakeWeChatAPI("wx_louwu_demo")
    with serve_in_thread(fake):
        cfg.write_text(cfg.read_text() + f'[wechat]\napi_base_url = "{fake.url}"\napp_secret = "s"\n')
        png = tmp_path / "kdk.png"
        result = louwu(cfg, "buildings", "qrcode", "kdk", "--out", str(png))
        assert result.exit_code == 0, result.output
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        louwu(cfg, "buildings", "qrcode", "kdk", "--out", str(png))
    made = fake.calls_to("/cgi-bin/qrcode/create")
    assert len(made) == 1 and made[0].body["action_name"] == "QR_LIMIT_STR_SCENE"
    assert made[0].body["action_info"]["scene"]["scene_str"] == "kdk"


def test_unknown_building_qrcode_is_one_line(cfg: Path) -> None:
    result = louwu(cfg, "buildings", "qrcode", "nowhere")
    assert result.exit_code == 1 and "no building with code 'nowhere'" in result.output
