"""The callback refuses what WeChat did not send, and never answers hostile input with a 500."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from bot.app import create_app
from bot.simulator.wechat_side import sign
from bot.wechat.verify import signature
from storage.models import InboundMessage
from tests.conftest import APP_ID, TOKEN, make_config
from tests.wx import WeChatSender


async def stored(sessionmaker) -> int:
    async with sessionmaker() as s:
        return (await s.execute(select(func.count(InboundMessage.id)))).scalar_one()


async def test_url_verification_echoes_echostr(client):
    params = {"timestamp": "1", "nonce": "n", "echostr": "hello-123"}
    params["signature"] = signature(TOKEN, "1", "n")
    resp = await client.get("/wechat", params=params)
    assert resp.status == 200
    assert await resp.text() == "hello-123"


async def test_url_verification_with_a_forged_signature_is_403(client):
    params = {"timestamp": "1", "nonce": "n", "echostr": "x", "signature": "f" * 40}
    resp = await client.get("/wechat", params=params)
    assert resp.status == 403


async def test_forged_signature_is_refused_and_not_stored(wx, sessionmaker):
    answer = await wx.text("o_x", "电梯坏了", forge=True)
    assert answer.status == 403
    assert await stored(sessionmaker) == 0


async def test_stale_timestamp_is_refused(wx, sessionmaker):
    answer = await wx.text("o_x", "电梯坏了", stale=True)
    assert answer.status == 403
    assert await stored(sessionmaker) == 0


async def test_missing_query_parameters_are_refused(client):
    resp = await client.post("/wechat", data="<xml/>")
    assert resp.status == 403


HOSTILE = {
    "external_entity": (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        "<xml><ToUserName>a</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime>"
        "<MsgType>text</MsgType><Content>&e;</Content><MsgId>1</MsgId></xml>"
    ),
    "billion_laughs": (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        "<xml><Content>&c;</Content></xml>"
    ),
    "garbage": "this is not xml at all \x00\x01",
    "wrong_root": "<html><body>hi</body></html>",
    "missing_fields": "<xml><Content>hi</Content></xml>",
    "bad_create_time": (
        "<xml><FromUserName>o</FromUserName><CreateTime>soon</CreateTime><MsgType>text</MsgType></xml>"
    ),
    "deep_nesting": "<xml>" + "<a>" * 5000 + "</a>" * 5000 + "</xml>",
    "empty": "",
}
# Another encoding must not hide a declaration from the parser's fast path for plain UTF-8.
_UTF16_BOMB = '<?xml version="1.0" encoding="UTF-16"?>' + HOSTILE["billion_laughs"][21:]
HOSTILE_BYTES = {
    "billion_laughs_utf16": _UTF16_BOMB.encode("utf-16"),
    "declared_utf16_sent_as_utf8": _UTF16_BOMB.encode(),
}


@pytest.mark.parametrize("name", [*HOSTILE, *HOSTILE_BYTES])
async def test_hostile_or_garbage_body_is_400_and_not_stored(wx, sessionmaker, name):
    answer = await wx.post(HOSTILE[name] if name in HOSTILE else HOSTILE_BYTES[name])
    assert answer.status == 400, answer.body
    assert "Traceback" not in answer.body
    assert await stored(sessionmaker) == 0


async def test_oversized_body_is_413(wx):
    body = wx.message("o_x", "text", Content="长" * 40_000).xml
    answer = await wx.post(body)
    assert answer.status == 413


async def test_a_signature_replayed_with_another_body_is_refused_and_not_stored(wx, sessionmaker):
    first = await wx.text("o_x", "电梯坏了", timestamp=wx.now(), nonce="seen-once")
    replay = await wx.text("o_mallory", "假消息", timestamp=wx.now(), nonce="seen-once")
    assert first.status == 200
    assert replay.status == 403
    assert "already used" in replay.body
    assert await stored(sessionmaker) == 1


async def test_the_same_request_replayed_is_answered_as_a_retry(wx, sessionmaker):
    sent = wx.message("o_x", "text", Content="电梯坏了")
    first = await wx.post(sent.xml, timestamp=sent.create_time, nonce="twice")
    again = await wx.post(sent.xml, timestamp=sent.create_time, nonce="twice")
    assert again.status == 200
    assert again.text == first.text
    assert await stored(sessionmaker) == 1


async def test_a_client_trickling_its_body_is_cut_off_and_others_are_served(
    aiohttp_client, db_url, clock, sessionmaker
):
    app = create_app(make_config(db_url, server={"read_timeout": 0.5}), clock=clock)
    client = await aiohttp_client(app)
    wx = WeChatSender(client, TOKEN, APP_ID, clock=clock)
    params = sign("", TOKEN, wx.now(), nonce="slow").params
    reader, writer = await asyncio.open_connection(client.host, client.port)
    query = "&".join(f"{k}={v}" for k, v in params.items())
    writer.write(f"POST /wechat?{query} HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n<xml>".encode())
    await writer.drain()
    meanwhile = await wx.text("o_y", "门口单车太多了")
    status_line = await asyncio.wait_for(reader.readline(), 5)
    writer.close()
    assert meanwhile.status == 200
    assert b" 408 " in status_line
    assert await stored(sessionmaker) == 1
