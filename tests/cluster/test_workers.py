"""`louwu serve --workers N` (#24): workers forked after start-up share the port; a burst is answered
and filed once, a worker killed mid-burst is started again without losing what it answered, SIGTERM
stops them all cleanly, and SQLite is refused with the reason."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import aiohttp

from tests.cluster.test_serve_crash import BURST, KILL_AFTER, TOPICS, complaint, config, filed, post
from tests.processes import Louwu, attempt_louwu, free_port, wait_for


def workers_of(parent: int) -> set[int]:
    """The pids whose parent is `parent`."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == parent:
                found.add(int(entry.name))
    return found


def running(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


def start(tmp_path: Path, url: str, n: int) -> tuple[Louwu, int]:
    cfg, port = config(tmp_path, url), free_port()
    server = Louwu.start(cfg, "serve", "--port", str(port), "--workers", str(n))
    wait_for("workers", lambda: server.listening(port) and len(workers_of(server.proc.pid)) == n)
    return server, port


async def send_all(port: int, todo: list[int], on_answered=None) -> dict[int, str | None]:
    replies: dict[int, str | None] = {}
    gate = asyncio.Semaphore(16)

    async def one(http: aiohttp.ClientSession, i: int) -> None:
        async with gate:
            replies[i] = await post(http, port, complaint(i))
        if on_answered is not None:
            await on_answered(replies)

    async with aiohttp.ClientSession() as http:
        await asyncio.gather(*(one(http, i) for i in todo))
    return replies


async def test_two_workers_answer_a_burst_filed_once_and_stop_together(tmp_path, pg_url):
    server, port = start(tmp_path, pg_url, 2)
    workers = workers_of(server.proc.pid)
    replies = await send_all(port, list(range(BURST)))
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 5.0
    assert all(replies.values()), "a message got no reply"
    assert not any(running(pid) for pid in workers), "a worker outlived the parent"
    counts = await filed(pg_url)
    assert counts.pop("<unhandled inbound>") == 0
    assert counts == {f"{TOPICS[i % 6]}（第{i}位）": 1 for i in range(BURST)}
    assert "louwu.serve: stopped: every worker has stopped" in server.tail()


async def test_a_killed_worker_is_started_again_and_loses_nothing_it_answered(tmp_path, pg_url):
    server, port = start(tmp_path, pg_url, 2)
    first = workers_of(server.proc.pid)
    victim = min(first)

    async def kill_once(replies: dict[int, str | None]) -> None:
        if sum(bool(r) for r in replies.values()) >= KILL_AFTER and running(victim):
            os.kill(victim, signal.SIGKILL)

    replies = await send_all(port, list(range(BURST)), kill_once)
    answered = {i for i, r in replies.items() if r}
    wait_for("a new worker", lambda: len(workers_of(server.proc.pid) - {victim}) == 2)
    retried = await send_all(port, [i for i in range(BURST) if i not in answered])
    server.stop()
    assert all(retried.values()), "a retried message got no reply"
    counts = await filed(pg_url)
    assert counts.pop("<unhandled inbound>") == 0
    assert counts == {f"{TOPICS[i % 6]}（第{i}位）": 1 for i in range(BURST)}
    assert "starting it again" in server.tail()


def test_workers_on_sqlite_are_refused_with_the_reason(tmp_path, sqlite_url):
    cfg = config(tmp_path, sqlite_url)
    done = attempt_louwu(cfg, "serve", "--workers", "2")
    assert done.returncode == 1
    assert "--workers needs PostgreSQL" in done.stderr
