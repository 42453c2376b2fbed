"""Refuse a NUL character in a query string or a form or JSON body with a 400 that says so: no person
types one, and PostgreSQL cannot store one (it would surface as a 500 from deep inside a query)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from aiohttp import web

NUL_MESSAGE = "bad request: text may not contain NUL (\\0) characters"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def refuse_nul(request: web.Request, handler: Handler) -> web.StreamResponse:
    # Only on the page areas (bot.pages), not on /wechat: the callback reads its own body under a time limit,
    # and its XML parser refuses NUL itself.
    if await _has_nul(request):
        if request.path.startswith("/api/"):
            return web.json_response({"error": NUL_MESSAGE}, status=400)
        return web.Response(text=NUL_MESSAGE, status=400)
    return await handler(request)


async def _has_nul(request: web.Request) -> bool:
    if any("\x00" in v for v in request.query.values()):
        return True
    if request.method != "POST":
        return False
    # aiohttp keeps what it read: the handler reads the body again for free.
    if request.content_type == "application/x-www-form-urlencoded":
        return any(isinstance(v, str) and "\x00" in v for v in (await request.post()).values())
    if request.content_type == "application/json":
        return _nul_in_values(await request.read())
    return False


def _nul_in_values(body: bytes) -> bool:
    """A NUL in one of the values a handler reads (the top level); a body that is not JSON is the
    handler's to refuse."""
    try:
        data = json.loads(body)
    except ValueError:
        return False
    return isinstance(data, dict) and any(isinstance(v, str) and "\x00" in v for v in data.values())
