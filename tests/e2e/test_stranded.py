"""A message stored but never handled (the process died, or the database went away, between storing
and handling it) is handled by the sweep once WeChat has stopped retrying, and its reply follows as
a customer-service message."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from bot.clock import FrozenClock
from bot.keys import INTAKE, SESSIONMAKER
from storage import repos
from storage.models import InboundMessage, Issue, OutboxMessage
from tests.wx import WeChatSender, filed_number

pytestmark = pytest.mark.usefixtures("demo")


async def _strand(client: Any, wx: WeChatSender, openid: str, text: str, age: dt.timedelta) -> None:
    """What a kill -9 between the intake's two transactions leaves: the raw row, status 'received'."""
    sent = wx.message(openid, "text", Content=text)
    key = f"msg:{sent.msg_id}"
    async with client.server.app[SESSIONMAKER].begin() as session:
        row = repos.inbound.NewInbound(key, openid, "text", sent.xml, wx.clock.now() - age)
        await repos.inbound.record_many(session, [row])


async def _all(client: Any, model: Any) -> list[Any]:
    async with client.server.app[SESSIONMAKER]() as session:
        return list((await session.execute(select(model))).scalars())


async def test_a_stranded_message_is_filed_and_its_reply_sent(client: Any, wx: WeChatSender) -> None:
    await wx.reporter("o_alice").follows("kdk")
    await _strand(client, wx, "o_alice", "电梯又坏了，十几层要爬楼梯", dt.timedelta(minutes=2))

    assert await client.server.app[INTAKE].sweep() == 1

    [issue] = await _all(client, Issue)
    assert issue.text == "电梯又坏了，十几层要爬楼梯"
    replies = [r for r in await _all(client, OutboxMessage) if r.kind == "reply"]
    assert [r.recipient for r in replies] == ["o_alice"] and f"#{issue.number}" in replies[0].payload["text"]
    assert {r.status for r in await _all(client, InboundMessage)} == {"handled"}


async def test_a_message_wechat_may_still_retry_is_left_to_the_retry(
    client: Any, wx: WeChatSender, clock: FrozenClock
) -> None:
    await _strand(client, wx, "o_alice", "电梯又坏了", dt.timedelta(seconds=5))
    assert await client.server.app[INTAKE].sweep() == 0
    clock.advance(minutes=2)
    assert await client.server.app[INTAKE].sweep() == 1


async def test_a_swept_message_is_not_handled_again_when_wechat_retries(
    client: Any, wx: WeChatSender
) -> None:
    await wx.reporter("o_alice").follows("kdk")
    sent = wx.message("o_alice", "text", Content="食堂下周关门了")
    async with client.server.app[SESSIONMAKER].begin() as session:
        row = repos.inbound.NewInbound(f"msg:{sent.msg_id}", "o_alice", "text", sent.xml, wx.clock.now())
        await repos.inbound.record_many(session, [row])
    wx.clock.advance(minutes=2)
    await client.server.app[INTAKE].sweep()

    answer = await wx.post(sent.xml)  # a late retry of the same MsgId
    assert answer.status == 200 and filed_number(answer.text) == 1
    assert len(await _all(client, Issue)) == 1
