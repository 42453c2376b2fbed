"""One sender's flood: over the per-minute limit, messages are kept and answered politely, not filed."""

from __future__ import annotations

from sqlalchemy import func, select

from handlers import texts
from storage.models import InboundMessage, Issue
from storage.repos.inbound import THROTTLED
from tests.wx import filed_number


async def count(sessionmaker, *where) -> int:
    async with sessionmaker() as s:
        return (await s.execute(select(func.count()).select_from(InboundMessage).where(*where))).scalar_one()


async def issues(sessionmaker) -> int:
    async with sessionmaker() as s:
        return (await s.execute(select(func.count(Issue.id)))).scalar_one()


async def test_a_flood_is_kept_and_answered_politely_but_not_filed(wx, demo, sessionmaker):
    answers = [await wx.text("o_flood", f"第{i}条：门口单车太多了") for i in range(25)]
    assert all(a.status == 200 for a in answers)
    assert [a.text for a in answers[20:]] == [texts.TOO_FAST] * 5
    assert texts.TOO_FAST not in {a.text for a in answers[:20]}
    assert await count(sessionmaker) == 25
    assert await count(sessionmaker, InboundMessage.status == THROTTLED) == 5


async def test_a_flood_does_not_hold_back_anyone_else(wx, demo, sessionmaker):
    for i in range(22):
        await wx.text("o_flood", f"第{i}条：电梯坏了")
    before = await issues(sessionmaker)
    other = await wx.text("o_other", "三楼厕所好臭")
    filed_number(other.text)
    assert await issues(sessionmaker) == before + 1


async def test_the_limit_lifts_after_a_minute(wx, demo, clock):
    for i in range(21):
        await wx.text("o_flood", f"第{i}条：电梯坏了")
    clock.advance(minutes=1)
    answer = await wx.text("o_flood", "电梯还是坏的")
    assert answer.text != texts.TOO_FAST
