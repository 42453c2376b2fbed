"""The fake WeChat API served from a thread, for tests that run louwu's CLI or a subprocess."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from aiohttp import web

from bot.simulator.fake_wechat import FakeWeChatAPI


@contextmanager
def serve_in_thread(fake: FakeWeChatAPI) -> Iterator[FakeWeChatAPI]:
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    runner = web.AppRunner(fake.app())

    async def start() -> None:
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        fake.url = f"http://127.0.0.1:{port}"
        ready.set()

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(start(), loop).result(10)
    ready.wait(10)
    try:
        yield fake
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
