"""A server in a thread of its own: the fake WeChat API for tests that run louwu's CLI or a subprocess,
and louwu itself for synchronous clients (schemathesis)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from aiohttp import web

from bot.simulator.fake_wechat import FakeWeChatAPI


@contextmanager
def serve_in_thread(fake: FakeWeChatAPI) -> Iterator[FakeWeChatAPI]:
    with serve_app_in_thread(fake.app()) as url:
        fake.url = url
        yield fake


@contextmanager
def serve_app_in_thread(app: web.Application) -> Iterator[str]:
    """Serve `app` on a free local port from its own thread and event loop; yields its base URL."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    runner = web.AppRunner(app)
    url = ""

    async def start() -> None:
        nonlocal url
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        url = f"http://127.0.0.1:{runner.addresses[0][1]}"
        ready.set()

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(start(), loop).result(10)
    ready.wait(10)
    try:
        yield url
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
