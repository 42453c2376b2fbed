"""SQLite with no room left (its page limit set just above what it holds: SQLite then fails exactly as
on a full disk): messages are refused with 503 and a log line that says what to do, nothing stored is
damaged, and once there is room again WeChat's retries are filed."""

from __future__ import annotations

import logging
import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import make_url

from bot.app import create_app
from bot.keys import ENGINE, INTAKE_ENGINE
from storage.errors import DISK_FULL
from tests.conftest import APP_ID, TOKEN, make_config
from tests.wx import Sent, WeChatSender, filed_number

ROOM_PAGES = 40  # about 160 KB past what the database holds when the disk "fills"


async def test_a_full_disk_refuses_messages_clearly_and_damages_nothing(
    aiohttp_client, sqlite_url, fake_wechat, caplog
):
    app = create_app(make_config(sqlite_url, fake_wechat.url))
    client = await aiohttp_client(app)
    wx = WeChatSender(client, TOKEN, APP_ID)
    limit = {"pages": page_count(sqlite_url) + ROOM_PAGES}
    engines = {app[ENGINE], app[INTAKE_ENGINE]}

    def _limit(dbapi_conn, _record) -> None:
        dbapi_conn.cursor().execute(f"PRAGMA max_page_count = {limit['pages']}")

    for engine in engines:
        event.listen(engine.sync_engine, "connect", _limit)
        await engine.dispose()  # new connections, each with the limit

    answered: list[str] = []
    refused: list[Sent] = []
    for i in range(200):
        sent = wx.message(f"o_full_{i}", "text", Content=f"第{i}件：" + "电梯又坏了，" * 300)
        answer = await wx.post(sent.xml)
        assert answer.status in (200, 503), answer.body
        if answer.status == 200:
            answered.append(answer.text)
        else:
            refused.append(sent)
        if len(refused) >= 3:
            break
    assert answered and len(refused) == 3, "the database never filled up"
    assert any(DISK_FULL in r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)
    assert integrity(sqlite_url) == "ok"
    assert handled(sqlite_url) == len(answered)

    limit["pages"] = 1_000_000  # space freed
    for engine in engines:
        await engine.dispose()
    for sent in refused:
        filed_number((await wx.post(sent.xml)).text)
    assert integrity(sqlite_url) == "ok"


def _path(url: str) -> str:
    return str(make_url(url).database)


def page_count(url: str) -> int:
    with sqlite3.connect(_path(url)) as conn:
        return int(conn.execute("PRAGMA page_count").fetchone()[0])


def integrity(url: str) -> str:
    with sqlite3.connect(_path(url)) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def handled(url: str) -> int:
    with sqlite3.connect(_path(url)) as conn:
        return int(
            conn.execute("SELECT count(*) FROM inbound_messages WHERE status = 'handled'").fetchone()[0]
        )
