"""Intake throughput and latency of POST /wechat, against the bare aiohttp ceiling and WeRoBot's echo.

    .venv/bin/python bench/intake.py [--seconds 10] [--connections 64]

Needs `wrk` (apt-get install wrk) and the bench extras (pip install -e '.[bench]').
Each server runs as one process pinned to CPU 1; wrk runs on CPU 0. Unique signed complaints.
The ceiling is measured on asyncio's loop and on uvloop, which `louwu serve` runs on.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TOKEN = "louwu-bench"
sys.path.insert(0, str(ROOT))

from bot.wechat.verify import signature  # noqa: E402

BARE_UVLOOP = "bare aiohttp on uvloop"


@dataclass
class Run:
    name: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pinned(cmd: list[str], cpu: str) -> list[str]:
    return ["taskset", "-c", cpu, *cmd] if shutil.which("taskset") and os.cpu_count() > 1 else cmd


def wait_up(port: int, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"server on port {port} did not start")


def signed_paths(seconds: int, ts: str) -> Path:
    """A file of signed /wechat query strings, one per request wrk may send (at most 40,000 a second)."""
    fd, name = tempfile.mkstemp(suffix=".txt", prefix="louwu-signed-")
    with os.fdopen(fd, "w") as out:
        for i in range(40_000 * seconds):
            nonce = f"b{i}"
            out.write(f"/wechat?timestamp={ts}&nonce={nonce}&signature={signature(TOKEN, ts, nonce)}\n")
    return Path(name)


def wrk(port: int, seconds: int, connections: int, run_id: int) -> Run:
    ts = str(int(time.time()))
    paths = signed_paths(seconds, ts)
    cmd = pinned(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(ROOT / "bench" / "wechat.lua"),
            f"http://127.0.0.1:{port}",
            "--",
            str(paths),
            ts,
            str(run_id),
        ],
        "0",
    )
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    finally:
        paths.unlink()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    errors = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    sock = re.search(r"Socket errors: (.*)", out)
    if sock:
        errors += sum(int(n) for n in re.findall(r"\d+", sock.group(1)))
    return Run("", rps, _pct(out, "50"), _pct(out, "99"), errors, total)


def _pct(out: str, p: str) -> float:
    m = re.search(rf"\s{p}(?:\.000)?%\s+([\d.]+)(us|ms|s)", out)
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def serve(cmd: list[str], port: int, env: dict[str, str] | None = None) -> subprocess.Popen:
    proc = subprocess.Popen(
        pinned(cmd, "1"),
        env={**os.environ, **(env or {})},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    wait_up(port, proc)
    return proc


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


async def paced(port: int, rate: float, seconds: float, run_id: int) -> tuple[float, float, int]:
    """Open-loop load at a fixed rate; returns p50 and p99 in ms and the failures.

    Requests are built and signed before the clock starts and go out over plain keep-alive
    connections (an HTTP client library's own work would count in the latencies, as wrk's does
    not); each latency is counted from the moment its request was due, so a client that falls
    behind shows as latency instead of hiding it."""
    ts = str(int(time.time()))
    total = int(rate * seconds)
    requests = [_paced_request(port, ts, run_id, i) for i in range(total)]
    idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    latencies: list[float] = []
    failures = 0

    async def one(request: bytes, due: float) -> None:
        nonlocal failures
        conn = idle.pop() if idle else await asyncio.open_connection("127.0.0.1", port)
        try:
            conn[1].write(request)
            status = await _read_response(conn[0])
            idle.append(conn)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            status = 0
            conn[1].close()
        failures += status != 200
        latencies.append((time.perf_counter() - due) * 1000)

    tasks = []
    begin = time.perf_counter()
    for i, request in enumerate(requests):
        due = begin + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(request, due)))
    await asyncio.gather(*tasks)
    for _, writer in idle:
        writer.close()
    latencies.sort()
    return statistics.median(latencies), latencies[int(len(latencies) * 0.99)], failures


def _paced_request(port: int, ts: str, run_id: int, i: int) -> bytes:
    body = (
        f"<xml><ToUserName>gh</ToUserName><FromUserName>o_paced_{i}</FromUserName>"
        f"<CreateTime>{ts}</CreateTime><MsgType>text</MsgType>"
        f"<Content>电梯又坏了，等了好久 ({i})</Content><MsgId>{run_id}{i:09d}</MsgId></xml>"
    ).encode()
    query = f"timestamp={ts}&nonce=p{i}&signature={signature(TOKEN, ts, f'p{i}')}"
    head = (
        f"POST /wechat?{query} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: text/xml\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _read_response(reader: asyncio.StreamReader) -> int:
    """The status of one HTTP/1.1 response with a Content-Length, read whole."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    length = next(int(line.split(":", 1)[1]) for line in lines if line.lower().startswith("content-length:"))
    await reader.readexactly(length)
    return int(lines[0].split()[1])


def run_fast(coro: Any) -> Any:
    """The load generator's own event loop on uvloop when it is installed: its delays count in the
    latencies it measures, so it should add as few as it can."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coro)


@contextlib.contextmanager
def load_core() -> Iterator[None]:
    """Run this process on the load generator's core while it generates load, as wrk does: on the
    server's core it would take the server's time."""
    before = os.sched_getaffinity(0)
    if len(before) > 1 and 0 in before:
        os.sched_setaffinity(0, {0})
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


def louwu_db(tmp: Path) -> tuple[Path, Path]:
    db = tmp / "bench.db"
    cfg = tmp / "config.toml"
    cfg.write_text(
        f'[database]\nurl = "sqlite+aiosqlite:///{db}"\n[wechat]\ntoken = "{TOKEN}"\n'
        '[log]\nlevel = "WARNING"\n'
    )
    louwu = str(BIN / "louwu")
    subprocess.run([louwu, "--config", str(cfg), "db", "upgrade"], check=True, capture_output=True)
    demo = ROOT / "bot" / "demo" / "demo.toml"
    subprocess.run([louwu, "--config", str(cfg), "seed", str(demo)], check=True, capture_output=True)
    return cfg, db


def count_rows(db: Path) -> tuple[int, int]:
    with sqlite3.connect(db) as conn:
        inbound = conn.execute("select count(*) from inbound_messages").fetchone()[0]
        issues = conn.execute("select count(*) from issues").fetchone()[0]
    return inbound, issues


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=64)
    args = ap.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install wrk")
    runs: list[Run] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        # The ceiling on asyncio's loop, and on uvloop, which `louwu serve` runs on.
        for run_id, flags, name in ((1, [], "bare aiohttp (ceiling)"), (5, ["--uvloop"], BARE_UVLOOP)):
            port = free_port()
            proc = serve([sys.executable, "bench/servers/bare.py", *flags, str(port)], port)
            try:
                runs.append(_named(wrk(port, args.seconds, args.connections, run_id), name))
            finally:
                stop(proc)

        port = free_port()
        gunicorn = BIN / "gunicorn"
        if gunicorn.exists():
            cmd = [
                str(gunicorn),
                "-w",
                "1",
                "--threads",
                "8",
                "-b",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "bench.servers.werobot_echo:app",
            ]
            proc = serve(cmd, port, {"BENCH_TOKEN": TOKEN})
            try:
                runs.append(_named(wrk(port, args.seconds, args.connections, 2), "WeRoBot echo (gunicorn)"))
            finally:
                stop(proc)
        else:
            print("gunicorn/WeRoBot not installed: pip install -e '.[bench]'")

        cfg, db = louwu_db(tmp)
        port = free_port()
        proc = serve([str(BIN / "louwu"), "--config", str(cfg), "serve", "--port", str(port)], port)
        try:
            peak = _named(wrk(port, args.seconds, args.connections, 3), "louwu intake (SQLite)")
            runs.append(peak)
            rate = peak.rps / 2
            with load_core():
                p50, p99, fails = run_fast(paced(port, rate, args.seconds, 4))
        finally:
            stop(proc)
        inbound, issues = count_rows(db)

    ceiling = runs[0].rps
    print(f"\n{'server':28} {'req/s':>9} {'× ceiling':>10} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for r in runs:
        print(
            f"{r.name:28} {r.rps:9.0f} {r.rps / ceiling:10.2f} {r.p50_ms:8.2f} {r.p99_ms:8.2f} {r.errors:7d}"
        )
    print(
        f"\nlouwu at half its peak ({rate:.0f} req/s, open loop): p50 {p50:.2f} ms, p99 {p99:.2f} ms, "
        f"failures {fails}"
    )
    answered = peak.requests - peak.errors + int(rate * args.seconds) - fails
    print(f"louwu stored {inbound} inbound messages and {issues} issues for {answered} answered requests")
    same_loop = next(r for r in runs if r.name == BARE_UVLOOP)
    print(f"louwu / bare aiohttp on the same loop (uvloop): {peak.rps / same_loop.rps:.2f}×")
    werobot = next((r for r in runs if r.name.startswith("WeRoBot")), None)
    if werobot:
        print(f"louwu / WeRoBot echo: {peak.rps / werobot.rps:.2f}×")


def _named(run: Run, name: str) -> Run:
    run.name = name
    return run


if __name__ == "__main__":
    main()
