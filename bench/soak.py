"""Soak: a steady stream of office workers and conveners for a long time, with the outbox running.

    .venv/bin/python bench/soak.py [--minutes 30] [--rate 50] [--interval 60]

`louwu serve` (SQLite, demo buildings, the scheduler in process) talks to the local fake of WeChat's
API in a subprocess. 600 office workers bind to the five demo buildings, then complain at `--rate`
messages a second (open loop, each request signed on its own); once a second a convener accepts or
resolves one of their building's issues, so updates flow through the outbox to the reporters. Every
`--interval` seconds a row: the server's resident memory, the latency of that interval's requests,
failures, and the database's counts. At the end: the memory trend over the second half (MiB an hour,
least squares) and the check that every answered complaint is stored and every update sent.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.dispatch import FAKE  # noqa: E402
from bench.intake import TOKEN, free_port, stop, wait_up  # noqa: E402
from bot.wechat.verify import signature  # noqa: E402

BIN = Path(sys.executable).parent
DEMO = ROOT / "bot" / "demo" / "demo.toml"
BUILDINGS = {
    "hlgc": "恒隆广场",
    "kdk": "凯迪克大厦",
    "citic": "中信泰富广场",
    "oocl": "东方海外大厦",
    "bohua": "博华大厦",
}
COMPLAINTS = [
    "四楼食堂下个月就关了，以后去哪吃饭",
    "门口共享单车堆成山了，早上进不去大门",
    "电梯又坏了，等了二十分钟",
    "楼道里有人给电动车充电，太危险了",
    "三楼男厕所好臭，保洁好几天没来",
    "空调不制冷，办公室热死了",
    "隔壁工地半夜还在施工，吵得没法休息",
    "地下车库的灯坏了一半，晚上很黑",
]
USERS = 600
NUMBER = re.compile(r"#(\d+)")


@dataclass
class Interval:
    latencies: list[float] = field(default_factory=list)
    failures: int = 0


@dataclass
class Load:
    """The client side: signs and posts each message, keeps latencies per interval."""

    url: str
    http: aiohttp.ClientSession
    current: Interval = field(default_factory=Interval)
    answered: int = 0
    nonces: itertools.count = field(default_factory=itertools.count)
    # issue numbers per building: filed (to accept) and accepted (to resolve)
    filed: dict[str, deque[str]] = field(default_factory=lambda: {b: deque() for b in BUILDINGS})
    accepted: dict[str, deque[str]] = field(default_factory=lambda: {b: deque() for b in BUILDINGS})
    seen: set[str] = field(default_factory=set)  # supporters are answered with the number of their topic

    async def say(self, openid: str, text: str) -> str:
        ts, nonce = str(int(time.time())), f"s{next(self.nonces)}"
        params = {"timestamp": ts, "nonce": nonce, "signature": signature(TOKEN, ts, nonce)}
        body = (
            f"<xml><ToUserName>gh_soak</ToUserName><FromUserName>{openid}</FromUserName>"
            f"<CreateTime>{ts}</CreateTime><MsgType>text</MsgType><Content><![CDATA[{text}]]></Content>"
            f"<MsgId>{time.time_ns()}{next(self.nonces)}</MsgId></xml>"
        )
        start = time.perf_counter()
        interval = self.current
        try:
            async with self.http.post(self.url, params=params, data=body.encode()) as r:
                answer = await r.text()
                ok = r.status == 200
        except aiohttp.ClientError:
            answer, ok = "", False
        interval.latencies.append((time.perf_counter() - start) * 1000)
        if not ok:
            interval.failures += 1
        return answer

    async def complain(self, i: int) -> None:
        user = i % USERS
        building = list(BUILDINGS)[user % len(BUILDINGS)]
        answer = await self.say(f"o_soak_{user}", f"{COMPLAINTS[i % len(COMPLAINTS)]}（{i}）")
        if m := NUMBER.search(answer):
            self.answered += 1
            if m.group(1) not in self.seen:
                self.seen.add(m.group(1))
                self.filed[building].append(m.group(1))

    async def convene(self, i: int) -> None:
        """The i-th convener action: the buildings take turns, each accepting then resolving."""
        building = list(BUILDINGS)[i % len(BUILDINGS)]
        if (i // len(BUILDINGS)) % 2 and self.accepted[building]:
            await self.say(f"o_conv_{building}", f"办结 {self.accepted[building].popleft()} 已处理")
        elif self.filed[building]:
            number = self.filed[building].popleft()
            await self.say(f"o_conv_{building}", f"受理 {number}")
            self.accepted[building].append(number)


def configure(tmp: Path, api: str) -> tuple[Path, Path]:
    db = tmp / "soak.db"
    cfg = tmp / "config.toml"
    cfg.write_text(
        f'[database]\nurl = "sqlite+aiosqlite:///{db}"\n'
        f'[wechat]\ntoken = "{TOKEN}"\napp_id = "wx_bench"\napp_secret = "s"\napi_base_url = "{api}"\n'
        "[scheduler]\ndispatch_interval = 1.0\n"
        '[log]\nlevel = "WARNING"\n'
    )
    for args in (["db", "upgrade"], ["seed", str(DEMO)]):
        subprocess.run([str(BIN / "louwu"), "--config", str(cfg), *args], check=True, capture_output=True)  # noqa: S603
    return cfg, db


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "inbound": one("select count(*) from inbound_messages"),
            "issues": one("select count(*) from issues"),
            "sent": one("select count(*) from outbox where status = 'sent'"),
            "unsent": one("select count(*) from outbox where status not in ('sent', 'failed', 'waiting')"),
            "failed": one("select count(*) from outbox where status = 'failed'"),
        }


async def drive(load: Load, pid: int, db: Path, args: argparse.Namespace) -> list[tuple[float, ...]]:
    for user in range(USERS):
        await load.say(f"o_soak_{user}", f"绑定 {list(BUILDINGS.values())[user % len(BUILDINGS)]}")
    for b in BUILDINGS:
        await load.say(f"o_conv_{b}", "待办")  # the conveners have written: their window is open
    load.current = Interval()
    rows: list[tuple[float, ...]] = []
    tasks: set[asyncio.Task[None]] = set()
    begin = time.perf_counter()
    total = int(args.minutes * 60 * args.rate)
    next_sample = begin + args.interval
    for i in range(total):
        at = begin + i / args.rate
        if at >= next_sample:
            rows.append(sample(load, pid, db, (next_sample - begin) / 60))
            next_sample += args.interval
        if (delay := at - time.perf_counter()) > 0:
            await asyncio.sleep(delay)
        every_second = i % int(args.rate) == 0
        for job in [load.complain(i)] + ([load.convene(i // int(args.rate))] if every_second else []):
            task = asyncio.create_task(job)
            tasks.add(task)
            task.add_done_callback(tasks.discard)
    await asyncio.gather(*tasks)
    rows.append(sample(load, pid, db, (time.perf_counter() - begin) / 60))
    return rows


def sample(load: Load, pid: int, db: Path, minute: float) -> tuple[float, ...]:
    done, load.current = load.current, Interval()
    lat = sorted(done.latencies) or [0.0]
    c = counts(db)
    row = (
        minute,
        rss_mib(pid),
        len(done.latencies),
        statistics.median(lat),
        lat[int(len(lat) * 0.99)],
        lat[-1],
        done.failures,
        c["inbound"],
        c["sent"],
        c["unsent"],
    )
    print(
        f"{row[0]:6.1f} {row[1]:8.1f} {row[2]:8d} {row[3]:8.1f} {row[4]:8.1f} {row[5]:8.1f} {row[6]:6d}"
        f" {row[7]:9d} {row[8]:8d} {row[9]:7d}",
        flush=True,
    )
    return row


def slope_per_hour(rows: list[tuple[float, ...]]) -> float:
    """MiB an hour over the second half of the run (least squares): the trend once warmed up."""
    half = rows[len(rows) // 2 :]
    xs, ys = [r[0] / 60 for r in half], [r[1] for r in half]
    if len(xs) < 2:
        return 0.0
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=30)
    ap.add_argument("--rate", type=float, default=50, help="complaints a second")
    ap.add_argument("--interval", type=float, default=60, help="seconds between rows")
    args = ap.parse_args()
    fake_port, port = free_port(), free_port()
    fake = subprocess.Popen(
        [sys.executable, "-c", FAKE, str(fake_port)], env={**os.environ, "PYTHONPATH": str(ROOT)}
    )  # noqa: S603
    with tempfile.TemporaryDirectory() as tmp_name:
        cfg, db = configure(Path(tmp_name), f"http://127.0.0.1:{fake_port}")
        serve = subprocess.Popen(  # noqa: S603
            [str(BIN / "louwu"), "--config", str(cfg), "serve", "--port", str(port)], cwd=ROOT
        )
        try:
            wait_up(fake_port, fake)
            wait_up(port, serve)
            print(
                f"{'minute':>6} {'RSS MiB':>8} {'requests':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}",
                end="",
            )
            print(f" {'fails':>6} {'inbound':>9} {'sent':>8} {'unsent':>7}")
            rows, load = asyncio.run(run(args, port, serve.pid, db))
            time.sleep(5)  # the last updates leave the outbox
            final = counts(db)
        finally:
            stop(serve)
            stop(fake)
    report(rows, load, final)


async def run(
    args: argparse.Namespace, port: int, pid: int, db: Path
) -> tuple[list[tuple[float, ...]], Load]:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=256)) as http:
        load = Load(f"http://127.0.0.1:{port}/wechat", http)
        return await drive(load, pid, db, args), load


def report(rows: list[tuple[float, ...]], load: Load, final: dict[str, int]) -> None:
    warm = rows[1:] or rows
    print(
        f"\nRSS: {warm[0][1]:.1f} MiB after the first interval, {rows[-1][1]:.1f} MiB at the end, "
        f"max {max(r[1] for r in rows):.1f}; trend over the second half {slope_per_hour(rows):+.1f} MiB/hour"
    )
    print(
        f"p99 by interval: min {min(r[4] for r in warm):.1f} ms, max {max(r[4] for r in warm):.1f} ms; "
        f"failures {sum(int(r[6]) for r in rows)}"
    )
    print(
        f"complaints answered with a number: {load.answered}; inbound rows {final['inbound']}, "
        f"issues {final['issues']}; outbox sent {final['sent']}, unsent {final['unsent']}, "
        f"failed {final['failed']}"
    )


if __name__ == "__main__":
    main()
