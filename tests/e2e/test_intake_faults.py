"""When the database or a handler fails, nothing WeChat sent is lost and no error page is shown."""

from __future__ import annotations

import asyncio
import threading

from sqlalchemy import select

from bot.app import create_app
from bot.keys import JOBS, SESSIONMAKER
from handlers import build_router
from handlers.events import TextMessage
from handlers.replies import TextReply
from handlers.router import Router
from storage.models import InboundMessage
from tests.conftest import APP_ID, TOKEN, make_config
from tests.wx import WeChatSender


async def test_database_unreachable_answers_503_so_wechat_retries(aiohttp_client, tmp_path, clock):
    config = make_config(f"sqlite+aiosqlite:///{tmp_path}/missing/dir/louwu.db")
    client = await aiohttp_client(create_app(config, clock=clock))
    wx = WeChatSender(client, TOKEN, APP_ID, clock=clock)
    answer = await wx.text("o_x", "电梯坏了")
    assert answer.status == 503
    assert "Traceback" not in answer.body
    health = await client.get("/healthz")
    assert health.status == 503
    admin = await client.get("/admin/issues")
    assert admin.status == 503 and "数据库" in await admin.text()
    await client.close()
    # aiosqlite's thread for a connection that never opened may outlive the test's event loop.
    for thread in threading.enumerate():
        if "connection_worker" in thread.name:
            await asyncio.to_thread(thread.join, 5)


def _router_with(handler_router: Router) -> Router:
    root = build_router()
    return Router("test").include(handler_router, root)


async def test_failing_handler_replies_politely_and_keeps_the_message(aiohttp_client, db_url, clock):
    broken = Router("broken")

    @broken.on(TextMessage)
    async def explode(msg, ctx):
        raise RuntimeError("boom")

    config = make_config(db_url)
    client = await aiohttp_client(create_app(config, clock=clock, router=_router_with(broken)))
    wx = WeChatSender(client, TOKEN, APP_ID, clock=clock)
    answer = await wx.text("o_x", "电梯坏了")
    assert answer.status == 200
    assert "已保存" in answer.text
    async with client.app[SESSIONMAKER]() as s:
        row = (await s.execute(select(InboundMessage))).scalar_one()
    assert row.status == "failed"
    assert "boom" in row.error


async def test_slow_handler_answers_success_and_a_retry_gets_the_stored_reply(aiohttp_client, db_url, clock):
    slow = Router("slow")

    @slow.on(TextMessage)
    async def dawdle(msg, ctx):
        await asyncio.sleep(0.3)
        return TextReply("慢慢来 #1")

    config = make_config(db_url, server={"reply_deadline": 0.1})
    client = await aiohttp_client(create_app(config, clock=clock, router=_router_with(slow)))
    wx = WeChatSender(client, TOKEN, APP_ID, clock=clock)
    sent = wx.message("o_x", "text", Content="电梯坏了")
    first = await wx.post(sent.xml)
    assert first.status == 200
    assert first.body == "success"
    await asyncio.sleep(0.4)
    retry = await wx.post(sent.xml)
    assert retry.text == "慢慢来 #1"


async def test_slow_reply_follows_as_a_customer_service_message(aiohttp_client, db_url, clock, fake_wechat):
    slow = Router("slow")

    @slow.on(TextMessage)
    async def dawdle(msg, ctx):
        await asyncio.sleep(0.3)
        return TextReply("慢慢来 #1")

    config = make_config(db_url, fake_wechat.url, server={"reply_deadline": 0.1})
    client = await aiohttp_client(create_app(config, clock=clock, router=_router_with(slow)))
    wx = WeChatSender(client, TOKEN, APP_ID, clock=clock)
    assert (await wx.text("o_x", "电梯坏了")).body == "success"
    await asyncio.sleep(0.5)
    await client.server.app[JOBS].dispatch_outbox()
    assert fake_wechat.sent_to("o_x") == ["慢慢来 #1"]
