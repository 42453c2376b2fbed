"""`louwu serve` killed (SIGKILL) in the middle of a burst: every message that was answered is in the
database, and the rest, sent again as WeChat retries them, are filed once each."""

from __future__ import annotations

import asyncio
import itertools
import time
from pathlib import Path

import aiohttp
from sqlalchemy import func, select

from bot.simulator.wechat_side import message_xml, read_reply, sign
from storage.db import make_engine, make_sessionmaker
from storage.models import InboundMessage, Issue, Supporter
from tests.processes import Louwu, free_port, wait_for

TOKEN = "louwu-crash"
BURST, KILL_AFTER = 240, 60
TOPICS = ["电梯坏了", "食堂要关门", "门口单车太多", "厕所很臭", "空调不制冷", "晚上施工太吵"]
_nonces = itertools.count()


def config(tmp_path: Path, url: str, **server: float) -> Path:
    cfg = tmp_path / "config.toml"
    extra = "".join(f"{k} = {v}\n" for k, v in server.items())
    cfg.write_text(f'[database]\nurl = "{url}"\n[wechat]\ntoken = "{TOKEN}"\n[server]\n{extra}')
    return cfg


def complaint(i: int) -> str:
    xml, _ = message_xml(
        f"o_burst_{i}", "text", int(time.time()), 8_000_000 + i, Content=f"{TOPICS[i % 6]}（第{i}位）"
    )
    return xml


async def post(http: aiohttp.ClientSession, port: int, xml: str) -> str | None:
    """The passive reply, or None when the server did not answer with one (as WeChat would see it)."""
    envelope = sign(xml, TOKEN, int(time.time()), nonce=f"c{next(_nonces)}")
    try:
        async with http.post(
            f"http://127.0.0.1:{port}/wechat", params=envelope.params, data=envelope.body
        ) as r:
            body = await r.text()
            return read_reply(body).get("Content") if r.status == 200 else None
    except aiohttp.ClientError:
        return None


async def burst(port: int, server: Louwu) -> dict[int, str | None]:
    """Post every complaint, 16 at a time; kill the server once KILL_AFTER have been answered."""
    replies: dict[int, str | None] = {}
    gate = asyncio.Semaphore(16)
    killed = asyncio.Event()

    async def one(http: aiohttp.ClientSession, i: int) -> None:
        async with gate:
            replies[i] = None if killed.is_set() else await post(http, port, complaint(i))
        if sum(r is not None for r in replies.values()) >= KILL_AFTER and not killed.is_set():
            killed.set()
            await asyncio.to_thread(server.kill)

    async with aiohttp.ClientSession() as http:
        await asyncio.gather(*(one(http, i) for i in range(BURST)))
    return replies


async def filed(url: str) -> dict[str, int]:
    """How many times each complaint's text was filed (as an issue or as a supporter)."""
    engine = make_engine(url)
    async with make_sessionmaker(engine)() as s:
        texts = [
            *(await s.execute(select(Issue.text))).scalars(),
            *(await s.execute(select(Supporter.text))).scalars(),
        ]
        unhandled = (
            await s.execute(select(func.count()).where(InboundMessage.status != "handled"))
        ).scalar_one()
    await engine.dispose()
    counts: dict[str, int] = {}
    for t in texts:
        counts[t] = counts.get(t, 0) + 1
    return counts | {"<unhandled inbound>": unhandled}


async def test_a_killed_server_loses_no_answered_message_and_files_retries_once(tmp_path, db_url):
    cfg, port = config(tmp_path, db_url), free_port()
    server = Louwu.start(cfg, "serve", "--port", str(port))
    wait_for("serve", lambda: server.listening(port))
    assert "on uvloop's event loop" in server.log.read_text()
    replies = await burst(port, server)
    answered = {i for i, r in replies.items() if r}
    assert KILL_AFTER <= len(answered) < BURST, "the burst ended before the kill"
    after_kill = await filed(db_url)
    assert all(after_kill.get(f"{TOPICS[i % 6]}（第{i}位）") == 1 for i in answered)

    server = Louwu.start(cfg, "serve", "--port", str(port))
    wait_for("serve again", lambda: server.listening(port))
    async with aiohttp.ClientSession() as http:
        retried = {i: await post(http, port, complaint(i)) for i in range(BURST) if i not in answered}
    server.stop()
    assert all(retried.values()), "a retried message got no reply"
    counts = await filed(db_url)
    assert counts.pop("<unhandled inbound>") == 0
    assert counts == {f"{TOPICS[i % 6]}（第{i}位）": 1 for i in range(BURST)}


async def test_a_connection_trickling_its_headers_is_closed(tmp_path, db_url):
    cfg, port = config(tmp_path, db_url, read_timeout=1.0), free_port()
    server = Louwu.start(cfg, "serve", "--port", str(port))
    wait_for("serve", lambda: server.listening(port))
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"POST /wechat HTTP/1.1\r\nHost: x\r\n")
    await writer.drain()
    closed = await asyncio.wait_for(reader.read(), 10)  # b"" once the server hangs up
    writer.close()
    server.stop()
    assert closed == b""
