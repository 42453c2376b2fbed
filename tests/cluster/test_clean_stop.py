"""A clean stop (#23): SIGTERM or Ctrl-C in the middle of a burst stops `louwu serve` and `louwu worker`
within 5 s, every message answered is filed once with nothing left half-handled, and one log line
says the process stopped."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

import aiohttp
import pytest

from tests.cluster.test_serve_crash import BURST, TOPICS, complaint, config, filed, post
from tests.processes import Louwu, free_port, wait_for

STOPPED_WITHIN = 5.0


async def burst_then_signal(
    port: int, server: Louwu, sig: signal.Signals
) -> tuple[dict[int, str | None], float]:
    """Post the burst 16 at a time; signal the server once 60 are answered. Replies, and the seconds
    from the signal to the process's exit."""
    replies: dict[int, str | None] = {}
    gate, signalled = asyncio.Semaphore(16), asyncio.Event()
    took: list[float] = []

    async def stop() -> None:
        started = time.monotonic()
        server.proc.send_signal(sig)
        await asyncio.to_thread(server.proc.wait, 30)
        took.append(time.monotonic() - started)

    async def one(http: aiohttp.ClientSession, i: int) -> None:
        async with gate:
            replies[i] = None if signalled.is_set() else await post(http, port, complaint(i))
        if sum(r is not None for r in replies.values()) >= 60 and not signalled.is_set():
            signalled.set()
            await stop()

    async with aiohttp.ClientSession() as http:
        await asyncio.gather(*(one(http, i) for i in range(BURST)))
    return replies, took[0]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
async def test_serve_stops_within_five_seconds_and_loses_nothing_it_answered(
    tmp_path: Path, db_url: str, sig: signal.Signals
) -> None:
    cfg, port = config(tmp_path, db_url), free_port()
    server = Louwu.start(cfg, "serve", "--port", str(port))
    wait_for("serve", lambda: server.listening(port))
    replies, took = await burst_then_signal(port, server, sig)
    answered = {i for i, r in replies.items() if r}
    assert server.proc.returncode == 0, server.tail()
    assert took < STOPPED_WITHIN, f"stopped after {took:.1f} s"
    counts = await filed(db_url)
    assert counts.pop("<unhandled inbound>") == 0
    assert all(counts.get(f"{TOPICS[i % 6]}（第{i}位）") == 1 for i in answered)
    assert "louwu.serve: stopped" in server.tail()


async def test_the_worker_stops_within_five_seconds_and_says_so(tmp_path: Path, db_url: str) -> None:
    cfg = config(tmp_path, db_url)
    cfg.write_text(
        cfg.read_text().replace(
            "[wechat]\n", '[wechat]\napp_secret = "s"\napi_base_url = "http://127.0.0.1:9"\n'
        )
    )
    worker = Louwu.start(cfg, "worker")
    wait_for("worker", lambda: worker.alive() and "scheduler started" in worker.log.read_text())
    started = time.monotonic()
    worker.stop()
    assert time.monotonic() - started < STOPPED_WITHIN
    assert "louwu.worker: stopped" in worker.tail()
