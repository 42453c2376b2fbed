"""`GET /wechat` (URL verification) and `POST /wechat` (messages): verify, parse, hand to the intake,
answer with the passive reply within WeChat's five seconds."""

from __future__ import annotations

import asyncio
import logging
import time

from aiohttp import web

from bot.keys import CLOCK, CONFIG, ENCRYPTER, INTAKE, REPLAYS, SAFE_MODE
from bot.wechat.parse import BadMessage, to_event, xml_fields
from bot.wechat.reply import SUCCESS, render_text
from bot.wechat.verify import Rejected, check_fresh, check_signature
from handlers.replies import TextReply

logger = logging.getLogger("louwu.wechat")


def _plain(text: str, status: int = 200) -> web.Response:
    return web.Response(text=text, status=status, content_type="text/plain")


async def verify_url(request: web.Request) -> web.Response:
    """WeChat's server check: echo `echostr` when the signature holds (the same in safe mode)."""
    cfg = request.app[CONFIG].wechat
    q = request.query
    try:
        check_signature(cfg.token, q.get("signature", ""), q.get("timestamp", ""), q.get("nonce", ""))
    except Rejected as exc:
        return _plain(f"forbidden: {exc}", 403)
    return _plain(q.get("echostr", ""))


async def receive(request: web.Request) -> web.StreamResponse:
    started = time.monotonic()
    app = request.app
    cfg = app[CONFIG]
    q = request.query
    timestamp, nonce = q.get("timestamp", ""), q.get("nonce", "")
    now = app[CLOCK].now().timestamp()
    try:
        check_signature(cfg.wechat.token, q.get("signature", ""), timestamp, nonce)
        check_fresh(timestamp, now, cfg.wechat.timestamp_tolerance)
    except Rejected as exc:
        logger.warning("callback refused: %s", exc)
        return _plain(f"forbidden: {exc}", 403)
    body = await _read_within(request, cfg.server.read_timeout)
    if body is None:
        too_slow = _plain("request timeout: the body came too slowly", 408)
        too_slow.force_close()  # the rest of the body is not worth waiting for
        return too_slow
    if not app[REPLAYS].fresh(timestamp, nonce, body, now):
        logger.warning("callback refused: a used signature with another body (a replay)")
        return _plain("forbidden: this signature was already used for another message", 403)
    encrypted = q.get("encrypt_type", "raw").lower() == "aes"
    try:
        fields = xml_fields(body)
        raw = body.decode("utf-8", "replace")
        if encrypted:
            raw = _decrypt(app, fields, q.get("msg_signature", ""), timestamp, nonce)
            fields = xml_fields(raw.encode())
        event = to_event(fields)
    except Rejected as exc:
        logger.warning("callback refused: %s", exc)
        return _plain(f"forbidden: {exc}", 403)
    except BadMessage as exc:
        return _plain(f"bad request: {exc}", 400)
    delivery = app[INTAKE].submit(event, raw)
    try:
        async with asyncio.timeout(max(cfg.server.reply_deadline - (time.monotonic() - started), 0.05)):
            reply = await delivery.answered
    except TimeoutError:
        if not delivery.stored:
            # A database that hangs instead of refusing counts as down: if the message is stored
            # later after all, WeChat's retry finds it there.
            return _plain("database unavailable, retry later", 503)
        # Stored already: answering "success" loses nothing; the reply follows through the outbox.
        logger.warning("reply not ready in time for %s; answered success", event.kind)
        app[INTAKE].push_late(delivery)
        return _plain(SUCCESS)
    if reply is None:
        return _plain("database unavailable, retry later", 503)
    if not isinstance(reply, TextReply):
        return _plain(SUCCESS)
    now = int(time.time())
    xml = render_text(event.openid, fields.get("ToUserName", ""), reply.text, now)
    if encrypted:
        xml = app[ENCRYPTER].encrypt(xml, nonce, now)
    return web.Response(text=xml, content_type="application/xml")


async def _read_within(request: web.Request, seconds: float) -> bytes | None:
    """The body, or None when the client is too slow to send it."""
    if request.content.is_eof():  # the usual case: it came with the headers
        return await request.read()
    try:
        async with asyncio.timeout(seconds):
            return await request.read()
    except TimeoutError:
        logger.warning("callback refused: body not received within %.0fs", seconds)
        return None


def _decrypt(
    app: web.Application, envelope: dict[str, str], msg_signature: str, timestamp: str, nonce: str
) -> str:
    """The plaintext XML inside a safe-mode envelope, after its msg_signature is checked."""
    safe = app.get(SAFE_MODE)
    if safe is None:
        raise Rejected("encrypted message but no encoding_aes_key is configured")
    encrypted = envelope.get("Encrypt", "")
    if not encrypted:
        raise BadMessage("encrypt_type=aes but no <Encrypt>")
    check_signature(app[CONFIG].wechat.token, msg_signature, timestamp, nonce, encrypted)
    return safe.decrypt(encrypted)


PATH = "/wechat"


def setup(app: web.Application) -> None:
    app.router.add_get(PATH, verify_url)
    app.router.add_post(PATH, receive)
