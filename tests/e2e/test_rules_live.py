"""A rule edit is in force on the next message, without a restart."""

from __future__ import annotations

import pytest

from bot.config import Config
from bot.keys import SESSIONMAKER
from nlp.defaults import default_pack
from nlp.pack import dump_pack
from nlp.pack_edit import add_keyword
from storage import repos


@pytest.fixture
def config(db_url: str, fake_wechat) -> Config:
    """The rules alone: the learned layer already knows a projector is a facility."""
    from tests.conftest import make_config

    return make_config(db_url, fake_wechat.url, tagging={"model": False})


async def test_rule_edit_takes_effect_on_the_next_message(client, wx, clock):
    before = await wx.text("o_a", "会议室的投影仪又黑屏了")
    assert "物业设施" not in before.text
    edited = add_keyword(default_pack(), "facilities", "投影仪", 3)
    async with client.app[SESSIONMAKER].begin() as session:
        await repos.rules.save(
            session, "default", dump_pack(edited), "test", "add", clock.now(), activate=True
        )
    after = await wx.text("o_b", "会议室的投影仪又黑屏了")
    assert "物业设施" in after.text
