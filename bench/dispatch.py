"""Outbox dispatch speed: N queued messages delivered to the local fake of WeChat's API.

    .venv/bin/python bench/dispatch.py [--messages 10000] [--backend sqlite|postgresql]

The dispatcher runs pinned to core 0 with the default concurrency; the fake runs in a subprocess on
core 1. Baseline, same run: a bare aiohttp client posting the same N bodies to the same fake with the
same concurrency (what the network path alone allows). Checks that every row was sent exactly once.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bot.config import config_from_dict  # noqa: E402
from bot.jobs import Jobs  # noqa: E402
from bot.outbox import Dispatcher  # noqa: E402
from bot.rules import LiveRules  # noqa: E402
from bot.wechat.api import WeChatAPI  # noqa: E402
from storage import repos, schema  # noqa: E402
from storage.db import make_engine, make_sessionmaker  # noqa: E402
from storage.repos.outbox import NewMessage  # noqa: E402
from storage.repos.people import Seen  # noqa: E402

FAKE = """
import asyncio, json, sys
from aiohttp import web
from bot.simulator.fake_wechat import FakeWeChatAPI
fake = FakeWeChatAPI("wx_bench", "s")
async def counts(request):
    import collections
    c = collections.Counter(d.text for d in fake.delivered)
    return web.json_response(
        {"delivered": len(fake.delivered), "distinct": len(c), "tokens": fake.token_calls}
    )
app = fake.app()
app.router.add_get("/_counts", counts)
app.router._resources.insert(0, app.router._resources.pop())  # before the catch-all
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
"""


def pin(core: int) -> None:
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > core:
        os.sched_setaffinity(0, {core})


async def queue(url: str, n: int, offset: int = 0) -> None:
    engine = make_engine(url)
    now = dt.datetime.now(dt.UTC)
    users = [f"o_bench_{i}" for i in range(offset, offset + n)]
    async with make_sessionmaker(engine).begin() as session:
        for i in range(0, n, 1000):
            chunk = users[i : i + 1000]
            await repos.people.touch_many(session, {u: Seen(now, message_at=now) for u in chunk})
            await repos.outbox.enqueue(
                session, [NewMessage(u, "update", f"您反映的 #{i} 已受理 {u}") for u in chunk], now
            )
    await engine.dispose()


async def baseline(base: str, n: int, concurrency: int) -> float:
    gate = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession() as http:
        token = (
            await (
                await http.post(f"{base}/cgi-bin/stable_token", json={"appid": "wx_bench", "secret": "s"})
            ).json()
        )["access_token"]

        async def one(i: int) -> None:
            body = json.dumps(
                {"touser": f"o_base_{i}", "msgtype": "text", "text": {"content": f"base {i}"}}
            ).encode()
            async with (
                gate,
                http.post(
                    f"{base}/cgi-bin/message/custom/send", params={"access_token": token}, data=body
                ) as r,
            ):
                await r.read()

        t = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(n)))
        return time.perf_counter() - t


async def dispatch(url: str, base: str) -> tuple[float, int]:
    config = config_from_dict(
        {"database": {"url": url}, "wechat": {"app_id": "wx_bench", "app_secret": "s", "api_base_url": base}}
    )
    engine = make_engine(url)
    sm = make_sessionmaker(engine)
    async with aiohttp.ClientSession() as http:
        api = WeChatAPI(http, config.wechat, sm, lambda: dt.datetime.now(dt.UTC))
        dispatcher = Dispatcher(sm, api, config, lambda: dt.datetime.now(dt.UTC))
        jobs = Jobs(sm, config, lambda: dt.datetime.now(dt.UTC), LiveRules(), dispatcher)
        t = time.perf_counter()
        sent = await jobs.dispatch_outbox()
        elapsed = time.perf_counter() - t
    await engine.dispose()
    return elapsed, sent


@contextlib.contextmanager
def scratch_database(pg: str | None, tmp: str) -> Iterator[str]:
    if pg is None:
        yield f"sqlite+aiosqlite:///{tmp}/bench.db"
        return
    name = f"louwu_bench_{os.getpid()}"

    async def admin(sql: str) -> None:
        engine = make_engine(pg, isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            await conn.execute(text(sql))
        await engine.dispose()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(pg).set(database=name).render_as_string(False)
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=10_000)
    ap.add_argument("--pg", help="a PostgreSQL server URL: a scratch database is made on it and dropped")
    args = ap.parse_args()
    n = args.messages
    port = 18_765
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    fake = subprocess.Popen(["taskset", "-c", "1", sys.executable, "-c", FAKE, str(port)], env=env)  # noqa: S603,S607
    base = f"http://127.0.0.1:{port}"
    try:
        time.sleep(1.5)
        pin(0)
        with tempfile.TemporaryDirectory() as tmp, scratch_database(args.pg, tmp) as url:
            schema.upgrade(url)
            asyncio.run(queue(url, n))
            concurrency = config_from_dict({}).outbox.concurrency
            t_base = asyncio.run(baseline(base, n, concurrency))
            elapsed, sent = asyncio.run(dispatch(url, base))

            async def counts() -> dict[str, int]:
                async with aiohttp.ClientSession() as http, http.get(f"{base}/_counts") as r:
                    return await r.json()

            c = asyncio.run(counts())
    finally:
        fake.terminate()
        fake.wait()
    delivered = c["delivered"] - n  # the baseline's sends are in the fake's count too
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"backend: {'postgresql' if args.pg else 'sqlite'}  messages: {n}  concurrency: {concurrency}")
    print(f"baseline (bare aiohttp client): {t_base:.2f} s = {n / t_base:,.0f} msg/s")
    ratio = t_base / elapsed
    print(
        f"louwu dispatcher:               {elapsed:.2f} s = {n / elapsed:,.0f} msg/s  ({ratio:.2f}x baseline)"
    )
    print(f"sent {sent}, delivered {delivered}, distinct {c['distinct'] - n}, token fetches {c['tokens']}")
    print(f"peak RSS of the dispatching process: {rss:.0f} MiB")
    print("target 10,000 in < 20 s:", "met" if n >= 10_000 and elapsed < 20 else "not met")
    assert sent == n == delivered == c["distinct"] - n, "a row was lost or sent twice"


if __name__ == "__main__":
    main()
