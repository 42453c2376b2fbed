"""A complaint sent through /wechat becomes a stored, tagged, numbered issue with a passive reply."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import InboundMessage, Issue, IssueEvent
from tests.wx import WeChatSender


async def count(sessionmaker, model) -> int:
    async with sessionmaker() as s:
        return (await s.execute(select(func.count()).select_from(model))).scalar_one()


async def test_text_complaint_files_an_issue_and_replies_with_its_number(wx: WeChatSender, sessionmaker):
    answer = await wx.text("o_alice", "四楼食堂下个月就关了，九百多人以后去哪吃饭？")
    assert answer.status == 200
    assert "#1" in answer.text
    assert "餐饮就餐" in answer.text
    assert answer.fields["ToUserName"] == "o_alice"
    async with sessionmaker() as s:
        issue = (await s.execute(select(Issue))).scalar_one()
        events = (await s.execute(select(IssueEvent))).scalars().all()
    assert issue.category == "dining"
    assert issue.status == "new"
    assert [e.kind for e in events] == ["created"]


async def test_raw_message_and_reply_are_stored(wx: WeChatSender, sessionmaker):
    answer = await wx.text("o_alice", "电梯又坏了")
    async with sessionmaker() as s:
        row = (await s.execute(select(InboundMessage))).scalar_one()
    assert "电梯又坏了" in row.raw
    assert row.reply == answer.text
    assert row.status == "handled"


async def test_retry_of_same_msgid_files_once_and_gets_same_reply(wx: WeChatSender, sessionmaker):
    sent = wx.message("o_alice", "text", Content="空调不制冷，热死了")
    first = await wx.post(sent.xml)
    again = await wx.post(sent.xml)
    third = await wx.post(sent.xml)
    assert first.text == again.text == third.text
    assert await count(sessionmaker, Issue) == 1
    assert await count(sessionmaker, InboundMessage) == 1


async def test_concurrent_retries_file_once(wx: WeChatSender, sessionmaker):
    import asyncio

    sent = wx.message("o_alice", "text", Content="厕所好臭")
    answers = await asyncio.gather(*(wx.post(sent.xml) for _ in range(3)))
    assert {a.status for a in answers} == {200}
    assert len({a.text for a in answers}) == 1
    assert await count(sessionmaker, Issue) == 1


async def test_event_retries_dedup_on_sender_time_and_event(wx: WeChatSender, sessionmaker):
    sent = wx.message("o_bob", "event", Event="subscribe")
    first = await wx.post(sent.xml)
    again = await wx.post(sent.xml)
    assert first.text == again.text
    assert "绑定" in first.text
    assert await count(sessionmaker, InboundMessage) == 1


async def test_two_events_of_one_user_at_different_times_are_both_kept(wx, sessionmaker, clock):
    await wx.event("o_bob", "subscribe")
    clock.advance(seconds=5)
    await wx.event("o_bob", "CLICK", "MY_ISSUES")
    assert await count(sessionmaker, InboundMessage) == 2


async def test_numbers_increase_per_issue(wx: WeChatSender):
    a = await wx.text("o_a", "电梯坏了")
    b = await wx.text("o_b", "门口单车乱停")
    assert "#1" in a.text and "#2" in b.text


async def test_urgent_complaint_says_so(wx: WeChatSender, sessionmaker):
    answer = await wx.text("o_alice", "三楼茶水间冒烟了！")
    assert "紧急" in answer.text
    async with sessionmaker() as s:
        assert (await s.execute(select(Issue.urgent))).scalar_one() is True


async def test_unclassifiable_text_is_filed_as_other(wx: WeChatSender, sessionmaker):
    answer = await wx.text("o_alice", "你们好")
    assert "其他" in answer.text
    async with sessionmaker() as s:
        assert (await s.execute(select(Issue.category))).scalar_one() == "other"


async def test_empty_text_asks_for_a_description(wx: WeChatSender, sessionmaker):
    answer = await wx.text("o_alice", "   ")
    assert "描述" in answer.text
    assert await count(sessionmaker, Issue) == 0
