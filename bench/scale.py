"""Scaling out: intake with 1, 2 and 4 `louwu serve` processes, dispatch with 1 and 2 `louwu worker`s.

    .venv/bin/python bench/scale.py [--pg postgresql+asyncpg://postgres@127.0.0.1:5432/test]
                                    [--seconds 8] [--messages 5000]

Intake: the serve processes share one port (`--reuse-port`), wrk (pinned to CPU 0, 64 connections)
posts unique signed complaints (a single serve process pinned to CPU 1); on PostgreSQL (a scratch
database made on the server and dropped) and, for reference, on SQLite with one process.
Dispatch: N customer-service messages queued at once while the workers run, timed until every row is
sent to the local fake of WeChat's API (a subprocess); then checks that each was delivered exactly
once. Baseline for each: one process, same run.
Everything shares the machine's cores with PostgreSQL and the load generator.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.dispatch import FAKE, queue, scratch_database  # noqa: E402
from bench.intake import TOKEN, Run, free_port, pinned, stop, wait_up, wrk  # noqa: E402
from storage import repos  # noqa: E402
from storage.db import make_engine, make_sessionmaker  # noqa: E402

BIN = Path(sys.executable).parent
DEMO = ROOT / "bot" / "demo" / "demo.toml"


def configure(tmp: Path, url: str, api: str) -> Path:
    cfg = tmp / "config.toml"
    cfg.write_text(
        f'[database]\nurl = "{url}"\n'
        f'[wechat]\ntoken = "{TOKEN}"\napp_id = "wx_bench"\napp_secret = "s"\napi_base_url = "{api}"\n'
        "[scheduler]\nin_process = false\ndispatch_interval = 0.05\n"
        '[log]\nlevel = "WARNING"\n'
    )
    louwu = str(BIN / "louwu")
    for args in (["db", "upgrade"], ["seed", str(DEMO)]):
        subprocess.run([louwu, "--config", str(cfg), *args], check=True, capture_output=True)  # noqa: S603
    return cfg


@contextmanager
def processes(
    cfg: Path, n: int, *args: str, cpu: str | None = None
) -> Iterator[list[subprocess.Popen[bytes]]]:
    cmd = [str(BIN / "louwu"), "--config", str(cfg), *args]
    cmd = pinned(cmd, cpu) if cpu else cmd
    procs = [
        subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
        for _ in range(n)
    ]
    try:
        yield procs
    finally:
        for p in procs:
            stop(p)


def intake(cfg: Path, servers: int, seconds: int, run_id: int) -> tuple[Run, float]:
    """The wrk run, and how busy the machine's cores were meanwhile (0–1)."""
    port = free_port()
    # One process on the core wrk leaves free, as in bench/intake.py. Unpinned, the kernel moves it
    # to the core of the PostgreSQL backend it wakes, and the two share one core while the other
    # idles (the machine 50% busy): a measure of the scheduler, not of louwu.
    cpu = "1" if servers == 1 else None
    with processes(cfg, servers, "serve", "--port", str(port), "--reuse-port", cpu=cpu) as procs:
        for p in procs:
            wait_up(port, p)
        time.sleep(2.0)  # every process has bound the port and loaded its rules
        before = cpu_times()
        run = wrk(port, seconds, 64, run_id)
        after = cpu_times()
    idle, total = (a - b for a, b in zip(after, before, strict=True))
    return run, 1 - idle / total


def cpu_times() -> tuple[int, int]:
    """(idle, total) jiffies of all cores, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    return fields[3] + fields[4], sum(fields)


def dispatch(cfg: Path, url: str, workers: int, n: int, offset: int) -> float:
    with processes(cfg, workers, "worker"):
        time.sleep(3.0)  # started, listening, first ticks done
        asyncio.run(queue(url, n, offset))
        return asyncio.run(until_sent(url))


async def until_sent(url: str) -> float:
    """Seconds until no row is left unsent, polled over one connection (not one engine per poll)."""
    engine = make_engine(url)
    start = time.perf_counter()
    try:
        async with make_sessionmaker(engine)() as session:
            while True:
                counts = await repos.outbox.counts(session)
                await session.rollback()  # a fresh snapshot next time
                if not any(v for k, v in counts.items() if k != "sent"):
                    return time.perf_counter() - start
                await asyncio.sleep(0.05)
    finally:
        await engine.dispose()


async def fake_counts(base: str) -> dict[str, int]:
    async with aiohttp.ClientSession() as http, http.get(f"{base}/_counts") as r:
        return await r.json()  # type: ignore[no-any-return]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pg", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    ap.add_argument("--seconds", type=int, default=8)
    ap.add_argument("--messages", type=int, default=5000)
    args = ap.parse_args()
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    fake = subprocess.Popen([sys.executable, "-c", FAKE, str(port)], env=env)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    rows: list[tuple[str, tuple[Run, float]]] = []
    sends: list[tuple[int, float]] = []
    try:
        wait_up(port, fake)
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            sqlite_dir = tmp / "sqlite"
            sqlite_dir.mkdir()
            cfg = configure(sqlite_dir, f"sqlite+aiosqlite:///{sqlite_dir}/bench.db", base)
            rows.append(("SQLite, 1 serve", intake(cfg, 1, args.seconds, 11)))
            with scratch_database(args.pg, tmp_name) as url:
                cfg = configure(tmp, url, base)
                for i, n in enumerate((1, 2, 4)):
                    rows.append((f"PostgreSQL, {n} serve", intake(cfg, n, args.seconds, 12 + i)))
                for i, n in enumerate((1, 2)):
                    sends.append((n, dispatch(cfg, url, n, args.messages, i * args.messages)))
        counts = asyncio.run(fake_counts(base))
    finally:
        fake.terminate()
        fake.wait()
    report(rows, sends, args.messages, counts)


def report(
    rows: list[tuple[str, tuple[Run, float]]], sends: list[tuple[int, float]], n: int, counts: dict[str, int]
) -> None:
    one = rows[1][1][0].rps
    print(f"\n{'intake':22} {'req/s':>8} {'× 1 serve':>10} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}", end="")
    print(f" {'CPU busy':>9}")
    for name, (r, busy) in rows:
        print(
            f"{name:22} {r.rps:8.0f} {r.rps / one:10.2f} {r.p50_ms:8.2f} {r.p99_ms:8.2f} {r.errors:7d}",
            end="",
        )
        print(f" {busy:9.0%}")
    first = sends[0][1]
    print(f"\n{'dispatch (PostgreSQL)':22} {'msg/s':>8} {'× 1 worker':>10} {'seconds':>8}")
    for workers, seconds in sends:
        print(f"{f'{workers} worker(s)':22} {n / seconds:8.0f} {first / seconds:10.2f} {seconds:8.2f}")
    total = n * len(sends)
    print(
        f"\nfake WeChat: {counts['delivered']} delivered, {counts['distinct']} distinct, "
        f"{counts['tokens']} token fetch(es) for {total} queued"
    )
    assert counts["delivered"] == counts["distinct"] == total, "a row was lost or sent twice"


if __name__ == "__main__":
    main()
