"""Security headers on every page people open (admin web, API, simulator; see bot.pages)."""

from __future__ import annotations

from aiohttp import web

from bot.keys import CONFIG

# Inline style attributes colour the charts; scripts come only from louwu's own static files.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
FIXED = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.update(FIXED)
    if not request.path.startswith(("/admin/static/", "/simulator/static/")):
        response.headers.setdefault("Cache-Control", "no-store")  # pages show people's complaints
    if request.config_dict[CONFIG].admin.secure_cookies:  # served over HTTPS: browsers should stay on it
        response.headers["Strict-Transport-Security"] = "max-age=31536000"


def setup(app: web.Application) -> None:
    app.on_response_prepare.append(add_security_headers)
