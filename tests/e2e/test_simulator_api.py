"""The simulator's endpoints without a browser: off unless configured, every action goes through
/wechat (stored like any message), bad input is refused with a reason, the stream replays."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.app import create_app
from bot.config import Config
from bot.simulator.routes import FAKE
from storage.models import InboundMessage
from tests.conftest import make_config


@pytest.fixture
def config(db_url: str) -> Config:
    return make_config(db_url, simulator={"enabled": True})


@pytest.fixture
async def sim(aiohttp_client: Any, config: Config) -> Any:
    return await aiohttp_client(create_app(config))


async def _stream(sim: Any, after: int = 0) -> list[dict[str, Any]]:
    """The bubbles the stream replays: read until it goes quiet."""
    resp = await sim.get("/simulator/events", params={"after": after})
    bubbles = []
    try:
        while True:
            chunk = await asyncio.wait_for(resp.content.readuntil(b"\n\n"), 0.5)
            bubbles.append(json.loads(chunk.decode().split("data: ", 1)[1]))
    except TimeoutError:
        resp.close()
    return bubbles


async def test_the_simulator_is_off_unless_configured(aiohttp_client: Any, db_url: str) -> None:
    client = await aiohttp_client(create_app(make_config(db_url)))
    assert (await client.get("/simulator")).status == 404
    assert (await client.post("/simulator/act", json={})).status == 404


async def test_a_typed_message_goes_through_wechat_and_is_stored(sim: Any, sessionmaker: Any) -> None:
    said = {"openid": "o_sim_wang", "kind": "text", "value": "电梯坏了"}
    resp = await sim.post("/simulator/act", json=said)
    assert resp.status == 200, await resp.text()
    async with sessionmaker() as session:
        stored = await session.scalar(select(func.count()).select_from(InboundMessage))
    assert stored == 2  # the first action of a new person follows the account first


async def test_the_stream_shows_the_message_and_the_reply(sim: Any) -> None:
    await sim.post("/simulator/act", json={"openid": "o_sim_li", "kind": "text", "value": "厕所好臭"})
    bubbles = await _stream(sim)
    mine = [b for b in bubbles if b["openid"] == "o_sim_li"]
    assert [b["side"] for b in mine] == ["me", "bot", "me", "bot"]  # follow, welcome, text, reply
    assert "#1" in mine[-1]["text"]
    assert all(b["id"] > 2 for b in await _stream(sim, after=2))


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"openid": "o x", "kind": "text", "value": "hi"}, "openid"),
        ({"openid": "o_a", "kind": "video", "value": "x"}, "kind"),
        ({"openid": "o_a", "kind": "text", "value": ""}, "text"),
        ({"openid": "o_a", "kind": "text", "value": "长" * 601}, "text"),
    ],
)
async def test_a_bad_action_is_refused_with_the_reason(sim: Any, body: dict[str, str], reason: str) -> None:
    resp = await sim.post("/simulator/act", json=body)
    assert resp.status == 400
    assert (await resp.json())["error"].startswith(reason)


async def test_the_clock_moves_only_forward_and_not_too_far(sim: Any) -> None:
    for hours in (0, -1, 24 * 15, "soon"):
        assert (await sim.post("/simulator/clock", json={"hours": hours})).status == 400
    resp = await sim.post("/simulator/clock", json={"hours": 24})
    assert resp.status == 200 and (await resp.json())["now"]


@pytest.mark.usefixtures("demo")
async def test_a_building_qr_code_is_made_once_through_the_api(sim: Any) -> None:
    for _ in range(2):
        resp = await sim.get("/simulator/qr/kdk.png")
        assert resp.status == 200 and resp.content_type == "image/png"
    assert len(sim.server.app[FAKE].calls_to("/cgi-bin/qrcode/create")) == 1
    assert (await sim.get("/simulator/qr/nowhere.png")).status == 404
