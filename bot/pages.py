"""The page areas (admin web, API, Open311, simulator) as sub-applications of their own, with the NUL
guard and the security headers: the callback, on the root application, runs through neither."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Middleware

from bot import headers
from bot.text_guard import refuse_nul


def area(*middlewares: Middleware, secure_headers: bool = True) -> web.Application:
    """A sub-application for one area; its handlers find the root's objects in `request.config_dict`."""
    app = web.Application(middlewares=[refuse_nul, *middlewares])
    if secure_headers:
        headers.setup(app)
    return app
