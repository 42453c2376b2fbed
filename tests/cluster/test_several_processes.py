"""Two `serve` and two `worker` processes over one PostgreSQL, WeChat's retries landing on both servers:
every message filed once, every outbox row delivered once, one access token fetch per expiry for them
all, and a rule added from the command line in force in both servers on their next message."""

from __future__ import annotations

import asyncio
import collections
import random
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import text

from bot.simulator.fake_wechat import FakeWeChatAPI
from bot.simulator.wechat_side import message_xml, read_reply, sign
from storage.db import make_engine
from tests.conftest import APP_ID, DEMO_SEED, SECRET, TOKEN
from tests.fake_thread import serve_in_thread
from tests.processes import Louwu, free_port, run_louwu, wait_for

REPORTERS = 40
BUILDINGS = ("hlgc", "kdk", "citic", "oocl", "bohua")
COMPLAINTS = (
    "食堂下周要关门了，中午去哪里吃饭",
    "门口共享单车乱停，进出很不方便",
    "电梯又坏了，十几层要爬楼梯",
    "卫生间没有纸，保洁好几天没来",
    "消防通道被杂物堵住了",
    "晚上加班空调没有冷气",
    "楼下外卖柜不够用",
    "地库出口排队太久",
)


def _config(tmp: Path, db: str, api: str) -> Path:
    cfg = tmp / "config.toml"
    cfg.write_text(
        f'[database]\nurl = "{db}"\n'
        f'[wechat]\ntoken = "{TOKEN}"\napp_id = "{APP_ID}"\napp_secret = "{SECRET}"\napi_base_url = "{api}"\n'
        "[scheduler]\nin_process = false\ndispatch_interval = 0.3\n"
        '[templates]\nalert = "tpl_alert"\nissue_update = "tpl_update"\n'
        '[log]\nlevel = "WARNING"\n'
    )
    return cfg


@pytest.fixture
def cluster(pg_url: str, tmp_path: Path) -> Iterator[tuple[Path, list[int], FakeWeChatAPI]]:
    fake = FakeWeChatAPI(APP_ID, SECRET)
    with ExitStack() as stack:
        stack.enter_context(serve_in_thread(fake))
        cfg = _config(tmp_path, pg_url, fake.url)
        run_louwu(cfg, "db", "upgrade")  # also installs the default rule pack
        run_louwu(cfg, "seed", str(DEMO_SEED))
        ports = [free_port(), free_port()]
        servers = [Louwu.start(cfg, "serve", "--port", str(p)) for p in ports]
        workers = [Louwu.start(cfg, "worker") for _ in range(2)]
        for server, port in zip(servers, ports, strict=True):
            wait_for("the servers to listen", lambda s=server, p=port: s.listening(p))
        yield cfg, ports, fake
        for proc in servers + workers:
            proc.stop()


async def _post(http: aiohttp.ClientSession, port: int, xml: str) -> dict[str, str]:
    envelope = sign(xml, TOKEN, int(time.time()))
    url = f"http://127.0.0.1:{port}/wechat"
    async with http.post(url, params=envelope.params, data=envelope.body.encode()) as r:
        assert r.status == 200, await r.text()
        return read_reply(await r.text())


async def _deliver(http: aiohttp.ClientSession, ports: list[int], xml: str) -> list[dict[str, str]]:
    """WeChat's first try and its retry at the same moment on both servers, then a late retry."""
    both = await asyncio.gather(*(_post(http, p, xml) for p in ports))
    return [*both, await _post(http, random.choice(ports), xml)]  # noqa: S311


async def _burst(ports: list[int], people: range) -> list[str]:
    """Every reporter follows a building's QR code, then complains; returns the complaints."""
    now = int(time.time())
    complaints = {i: f"{COMPLAINTS[i % len(COMPLAINTS)]}（{i}号）" for i in people}

    async def reporter(http: aiohttp.ClientSession, i: int) -> None:
        who = f"o_mp_{i}"
        scene = f"qrscene_{BUILDINGS[i % len(BUILDINGS)]}"
        follow, _ = message_xml(who, "event", now, Event="subscribe", EventKey=scene)
        await _deliver(http, ports, follow)
        complaint, _ = message_xml(who, "text", now + 1, 880_000 + i, Content=complaints[i])
        answers = await _deliver(http, ports, complaint)
        assert len({a.get("Content") for a in answers}) == 1, answers  # one stored reply, said thrice
        assert answers[0].get("Content"), answers

    async with aiohttp.ClientSession() as http:
        await asyncio.gather(*(reporter(http, i) for i in people))
    return list(complaints.values())


async def _query(db: str, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    engine = make_engine(db)
    try:
        async with engine.connect() as conn:
            return [tuple(r) for r in (await conn.execute(text(sql))).all()]
    finally:
        await engine.dispose()


def test_two_servers_and_two_workers_file_and_send_everything_once(
    cluster: tuple[Path, list[int], FakeWeChatAPI], pg_url: str
) -> None:
    cfg, ports, fake = cluster
    complaints = asyncio.run(_burst(ports, range(REPORTERS)))

    inbound = asyncio.run(_query(pg_url, "SELECT count(*) FROM inbound_messages"))[0][0]
    assert inbound == 2 * REPORTERS  # a follow and a complaint each, whatever the retries
    filed = asyncio.run(_query(pg_url, "SELECT text FROM issues UNION ALL SELECT text FROM supporters"))
    assert collections.Counter(t for (t,) in filed) == collections.Counter(complaints)
    _each_row_delivered_once(pg_url, fake)
    assert fake.token_calls == 1


def test_an_expired_token_is_fetched_again_by_one_worker(
    cluster: tuple[Path, list[int], FakeWeChatAPI], pg_url: str
) -> None:
    _, ports, fake = cluster
    asyncio.run(_burst(ports, range(10)))
    _each_row_delivered_once(pg_url, fake)
    fake.expire_tokens()  # both workers' next sends are refused with 42001
    asyncio.run(_burst(ports, range(10, 20)))
    _each_row_delivered_once(pg_url, fake)
    assert fake.token_calls == 2


def _each_row_delivered_once(db: str, fake: FakeWeChatAPI) -> None:
    def drained() -> bool:
        rows = asyncio.run(_query(db, "SELECT status, count(*) FROM outbox GROUP BY status"))
        return bool(rows) and dict(rows).keys() == {"sent"}

    wait_for("every outbox row sent", drained)
    rows = asyncio.run(_query(db, "SELECT recipient, payload->'fields'->>'number' FROM outbox"))
    # Committee members never wrote to the account: alerts go as templates (number in the first key).
    delivered = collections.Counter((d.openid, d.data["character_string1"]) for d in fake.delivered)
    assert delivered == collections.Counter(rows) and max(delivered.values()) == 1


def test_a_rule_added_from_the_command_line_is_in_force_in_every_server(
    cluster: tuple[Path, list[int], FakeWeChatAPI], pg_url: str
) -> None:
    cfg, ports, _ = cluster
    run_louwu(cfg, "rules", "add", "safety", "喵星人", "--weight", "9")

    async def two_reports() -> None:
        now = int(time.time())
        async with aiohttp.ClientSession() as http:
            for i, port in enumerate(ports):  # in two buildings, so neither joins the other's issue
                scene = f"qrscene_{BUILDINGS[i]}"
                follow, _ = message_xml(f"o_cat_{i}", "event", now, Event="subscribe", EventKey=scene)
                await _post(http, port, follow)
                said, _ = message_xml(f"o_cat_{i}", "text", now + 1, 990_000 + i, Content=f"{i}楼有喵星人")
                await _post(http, port, said)

    asyncio.run(two_reports())
    tagged = asyncio.run(_query(pg_url, "SELECT category FROM issues WHERE text LIKE '%喵星人%'"))
    assert tagged == [("safety",), ("safety",)]
