"""PostgreSQL gone for 30 seconds under a running louwu (a proxy in front of it is cut): every message
meanwhile is answered 503 so WeChat retries it, /healthz says so, and once the database is back the
same process files the retries once each and its scheduler sends again, without a restart."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bot.app import create_app
from bot.seed import load_seed, read_seed
from storage import repos
from storage.db import make_engine, make_sessionmaker
from storage.models import Issue
from storage.repos.outbox import NewMessage
from tests.conftest import APP_ID, DEMO_SEED, TOKEN, make_config
from tests.tcp_proxy import CuttableProxy
from tests.wx import Sent, WeChatSender, filed_number

OUTAGE = float(os.environ.get("LOUWU_OUTAGE_SECONDS", "30"))


@pytest.fixture
async def proxy(pg_url):
    url = make_url(pg_url)
    p = CuttableProxy(url.host or "127.0.0.1", url.port or 5432)
    await p.start()
    yield p
    await p.close()


@pytest.fixture
async def direct(pg_url):
    """The database itself, not through the proxy (what an operator would look at)."""
    engine = make_engine(pg_url)
    sm = make_sessionmaker(engine)
    async with sm.begin() as session:
        await load_seed(session, read_seed(DEMO_SEED))
    yield sm
    await engine.dispose()


async def test_thirty_seconds_without_the_database(aiohttp_client, pg_url, proxy, direct, fake_wechat):
    through_proxy = make_url(pg_url).set(port=proxy.port).render_as_string(False)
    config = make_config(
        through_proxy, fake_wechat.url, scheduler={"in_process": True, "dispatch_interval": 0.2}
    )
    client = await aiohttp_client(create_app(config))
    wx = WeChatSender(client, TOKEN, APP_ID)
    filed_number(await wx.reporter("o_before").says("电梯坏了"))

    proxy.cut()
    refused: list[Sent] = []
    ends = time.monotonic() + OUTAGE
    while time.monotonic() < ends:
        sent = wx.message(f"o_during_{len(refused)}", "text", Content=f"门口单车太多了（{len(refused)}）")
        answer = await wx.post(sent.xml)
        assert answer.status == 503, answer.body
        assert (await client.get("/healthz")).status == 503
        refused.append(sent)
        await asyncio.sleep(1.0)
    proxy.restore()

    answers = [await retry_until_answered(wx, sent) for sent in refused]
    assert [filed_number(a) for a in answers]
    assert (await client.get("/healthz")).status == 200
    async with direct() as s:
        assert (await s.execute(select(func.count(Issue.id)))).scalar_one() == 1 + len(refused)

    await queue_update(direct, "o_before")
    await wait_until(lambda: any(d.text == "after the outage" for d in fake_wechat.delivered))


async def test_a_database_that_stops_answering_still_gets_answers_in_time(
    aiohttp_client, pg_url, proxy, direct, fake_wechat
):
    through_proxy = make_url(pg_url).set(port=proxy.port).render_as_string(False)
    config = make_config(through_proxy, fake_wechat.url, server={"reply_deadline": 1.0})
    client = await aiohttp_client(create_app(config))
    wx = WeChatSender(client, TOKEN, APP_ID)
    filed_number(await wx.reporter("o_before").says("电梯坏了"))

    proxy.stall()
    sent = wx.message("o_during", "text", Content="门口单车太多了")
    started = time.monotonic()
    answer = await wx.post(sent.xml)
    assert answer.status == 503
    assert time.monotonic() - started < 2.0
    proxy.restore()
    filed_number(await retry_until_answered(wx, sent))


async def retry_until_answered(wx: WeChatSender, sent: Sent, seconds: float = 15) -> str:
    """WeChat's retries of one message, until louwu answers it."""
    deadline = time.monotonic() + seconds
    while True:
        answer = await wx.post(sent.xml)
        if answer.status == 200:
            return answer.text
        assert time.monotonic() < deadline, f"still {answer.status} after the database came back"
        await asyncio.sleep(0.5)


async def queue_update(sm, openid: str) -> None:
    async with sm.begin() as session:
        await repos.outbox.enqueue(
            session, [NewMessage(openid, "update", "after the outage")], dt.datetime.now(dt.UTC)
        )


async def wait_until(done, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "the scheduler did not send after the outage"
        await asyncio.sleep(0.1)
