"""Footprint of serving: resident memory of one `louwu serve` after a long load, on SQLite and on
PostgreSQL side by side, and the memory each extra worker of `louwu serve --workers N` adds.

    .venv/bin/python bench/footprint.py [--messages 100000] [--chunk 20] [--workers 1,2,4]
                                        [--pg postgresql+asyncpg://postgres@127.0.0.1:5432/test]

Load: wrk (pinned to CPU 0, 64 connections) posts unique signed complaints in chunks of `--chunk`
seconds until `--messages` have been answered; the serve process is pinned to CPU 1. Memory is read
from /proc: RSS (VmRSS), PSS (each shared page divided among the processes that map it) and USS
(pages no other process maps: what a process would give back if it ended), from smaps_rollup.
PostgreSQL is a scratch database made on the server and dropped.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.dispatch import scratch_database  # noqa: E402
from bench.intake import Run, free_port, wait_up, wrk  # noqa: E402
from bench.scale import configure, processes  # noqa: E402

MiB = 1024  # smaps and status count kB
NO_API = "http://127.0.0.1:9"  # intake sends nothing: the outbox is left to a worker not run here


@dataclass
class Memory:
    rss: float  # MiB
    pss: float
    uss: float


def memory(pid: int) -> Memory:
    fields: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0])
    uss = fields["Private_Clean"] + fields["Private_Dirty"]
    return Memory(fields["Rss"] / MiB, fields["Pss"] / MiB, uss / MiB)


def children(pid: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


@dataclass
class Long:
    """One serve process through a long load."""

    name: str
    started: Memory
    loaded: Memory
    answered: int
    rps: float
    errors: int


def answered(runs: list[Run]) -> int:
    return sum(r.requests - r.errors for r in runs)


def long_load(name: str, cfg: Path, messages: int, chunk: int, run_base: int) -> Long:
    port = free_port()
    with processes(cfg, 1, "serve", "--port", str(port), cpu="1") as (proc,):
        wait_up(port, proc)
        time.sleep(1.0)
        started = memory(proc.pid)
        runs: list[Run] = []
        while (done := answered(runs)) < messages:
            # The last chunk only as long as the rest needs at the rate so far, so the reading comes
            # near `messages`, not a whole chunk past it.
            rate = sum(r.rps for r in runs) / len(runs) if runs else 0
            seconds = min(chunk, math.ceil((messages - done) / rate) + 1) if rate else chunk
            # Each chunk its own run number: its MsgIds and signatures never repeat an earlier one's.
            runs.append(wrk(port, seconds, 64, run_base + len(runs)))
            time.sleep(1.0)  # a new timestamp for the next chunk's signatures
            print(f"  {name}: {answered(runs):,} answered, RSS {memory(proc.pid).rss:.0f} MiB", flush=True)
        loaded = memory(proc.pid)
    rps = sum(r.rps for r in runs) / len(runs)
    return Long(name, started, loaded, answered(runs), rps, sum(r.errors for r in runs))


@dataclass
class Forked:
    workers: int
    parent: Memory | None
    each: list[Memory]
    rps: float


def forked(cfg: Path, workers: int, seconds: int, run_id: int) -> Forked:
    """`serve --workers N` after a short load, so each worker has touched what it uses."""
    port = free_port()
    with processes(cfg, 1, "serve", "--port", str(port), "--workers", str(workers)) as (proc,):
        wait_up(port, proc)
        time.sleep(2.0)
        run = wrk(port, seconds, 64, run_id)
        # --workers 1 serves in the process itself, with no parent to watch it.
        pids = children(proc.pid) or [proc.pid]
        each = [memory(pid) for pid in pids]
        parent = memory(proc.pid) if pids != [proc.pid] else None
    return Forked(workers, parent, each, run.rps)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pg", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    ap.add_argument("--messages", type=int, default=100_000)
    ap.add_argument("--chunk", type=int, default=20, help="seconds of wrk between memory readings")
    ap.add_argument("--workers", default="1,2,4")
    ap.add_argument("--seconds", type=int, default=8, help="load on each --workers run")
    args = ap.parse_args()
    longs: list[Long] = []
    forks: list[Forked] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        lite = tmp / "sqlite"
        lite.mkdir()
        cfg = configure(lite, f"sqlite+aiosqlite:///{lite}/bench.db", NO_API)
        longs.append(long_load("SQLite", cfg, args.messages, args.chunk, 100))
        with scratch_database(args.pg, tmp_name) as url:
            cfg = configure(tmp, url, NO_API)
            longs.append(long_load("PostgreSQL", cfg, args.messages, args.chunk, 200))
            for i, n in enumerate(int(w) for w in args.workers.split(",")):
                forks.append(forked(cfg, n, args.seconds, 300 + i))
    report(longs, forks)


def report(longs: list[Long], forks: list[Forked]) -> None:
    head = ("one serve", "answered", "req/s", "errors", "RSS start", "RSS after")
    print("\n{:12} {:>9} {:>7} {:>7} {:>10} {:>10}".format(*head))
    for r in longs:
        print(
            f"{r.name:12} {r.answered:9,} {r.rps:7.0f} {r.errors:7d} "
            f"{r.started.rss:8.1f}Mi {r.loaded.rss:8.1f}Mi"
        )
    print(f"PostgreSQL / SQLite req/s: {longs[1].rps / longs[0].rps:.2f}× (target ≥ 0.5)")
    print("target: RSS after ≤ 120 MiB")
    head = ("--workers", "req/s", "parent PSS", "worker RSS", "worker PSS", "worker USS")
    print("\n{:10} {:>7} {:>11} {:>11} {:>11} {:>11}".format(*head))
    for f in forks:
        rss = max(m.rss for m in f.each)
        pss = max(m.pss for m in f.each)
        uss = max(m.uss for m in f.each)
        parent = f"{f.parent.pss:9.1f}Mi" if f.parent else f"{'-':>11}"
        print(f"{f.workers:<10} {f.rps:7.0f} {parent} {rss:9.1f}Mi {pss:9.1f}Mi {uss:9.1f}Mi")
    print("worker columns: the largest of the workers; USS is what each extra worker costs (target ≤ 40 MiB)")
    for f in forks:
        total = (f.parent.pss if f.parent else 0) + sum(m.pss for m in f.each)
        print(f"--workers {f.workers}: all processes together {total:.0f} MiB (sum of PSS)")


if __name__ == "__main__":
    main()
