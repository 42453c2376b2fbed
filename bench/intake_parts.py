"""Where the intake's time goes: the server's CPU per request for the bare ceiling, louwu's callback
path alone (bench/servers/callback_only.py: an intake that stores nothing) and the whole intake,
each under the same wrk load, in rounds so that the machine's drift shows.

    .venv/bin/python bench/intake_parts.py [--seconds 6] [--rounds 3]

The difference between the last two is what storing, tagging and filing cost on the request path;
between the first two, what louwu's callback adds to aiohttp's own work. Each runs on asyncio's own
event loop and on uvloop (`louwu serve`'s default), back to back.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.intake import BIN, free_port, louwu_db, serve, stop, wrk  # noqa: E402


def cpu_seconds(pid: int) -> float:
    """User and system time of a process so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(cmd: list[str], seconds: int, run_id: int, env: dict[str, str]) -> tuple[float, float]:
    """(requests a second, server CPU microseconds a request)."""
    port = free_port()
    proc = serve([*cmd, str(port)], port, env)
    try:
        time.sleep(1.0)  # started and warm
        before = cpu_seconds(proc.pid)
        run = wrk(port, seconds, 64, run_id)
        used = cpu_seconds(proc.pid) - before
    finally:
        stop(proc)
    return run.rps, used / max(run.requests, 1) * 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=int, default=6)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cfg, _ = louwu_db(Path(tmp))
        bare = [sys.executable, str(ROOT / "bench/servers/bare.py")]
        callback = [sys.executable, str(ROOT / "bench/servers/callback_only.py"), str(cfg)]
        louwu = [str(BIN / "louwu"), "--config", str(cfg), "serve", "--port"]
        # louwu's two read [server] uvloop from the environment; the bare one takes a flag.
        servers: dict[str, Callable[[bool], list[str]]] = {
            "bare aiohttp": lambda uvloop: bare + ["--uvloop"] * uvloop,
            "louwu callback, no storage": lambda _: callback,
            "louwu intake (SQLite)": lambda _: louwu,
        }
        print(f"{'round':>5} {'server':28} {'asyncio':>25} {'uvloop':>25}")
        run_id = itertools.count(100)
        for r in range(args.rounds):
            for name, cmd in servers.items():
                cells = []
                for uvloop in (False, True):  # back to back, so that the machine's drift hits both alike
                    env = {"LOUWU_SERVER__UVLOOP": str(uvloop).lower()}
                    rps, cpu = measure(cmd(uvloop), args.seconds, next(run_id), env)
                    cells.append(f"{rps:7.0f} req/s {cpu:4.0f} µs/req")
                print(f"{r + 1:>5} {name:28} {cells[0]:>25} {cells[1]:>25}", flush=True)


if __name__ == "__main__":
    main()
