"""`GET /wechat` (URL verification) and `POST /wechat` (messages): verify, parse, hand to the intake,
answer with the passive reply within WeChat's five seconds."""

from __future__ import annotations

import asyncio
import logging
import time

from aiohttp import web

from bot.intake.delivery import TOO_LATE, Delivery
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


class Callback:
    """The POST /wechat view, with what it needs at hand: it serves every message, so the app's
    objects are looked up once (after start-up, when the intake exists), not on each request."""

    def __init__(self, app: web.Application) -> None:
        self._app = app
        self._ready = False

    def _resolve(self) -> None:
        app = self._app
        self._config, self._clock, self._replays, self._intake = (
            app[CONFIG],
            app[CLOCK],
            app[REPLAYS],
            app[INTAKE],
        )
        self._ready = True

    async def receive(self, request: web.Request) -> web.StreamResponse:
        started = time.monotonic()
        if not self._ready:
            self._resolve()
        q = request.query
        timestamp, nonce = q.get("timestamp", ""), q.get("nonce", "")
        now = self._clock.now().timestamp()
        try:
            self._authenticate(q.get("signature", ""), timestamp, nonce, now)
        except Rejected as exc:
            logger.warning("callback refused: %s", exc)
            return _plain(f"forbidden: {exc}", 403)
        body = await _read_within(request, self._config.server.read_timeout)
        if body is None:
            too_slow = _plain("request timeout: the body came too slowly", 408)
            too_slow.force_close()  # the rest of the body is not worth waiting for
            return too_slow
        encrypted = q.get("encrypt_type", "raw").lower() == "aes"
        # An encrypted body is covered by its msg_signature: only plaintext needs remembering.
        if not encrypted and not self._replays.fresh(timestamp, nonce, body, now):
            logger.warning("callback refused: a used signature with another body (a replay)")
            return _plain("forbidden: this signature was already used for another message", 403)
        try:
            fields, raw = self._read(body, encrypted, q.get("msg_signature", ""), timestamp, nonce)
            event = to_event(fields)
        except Rejected as exc:
            logger.warning("callback refused: %s", exc)
            return _plain(f"forbidden: {exc}", 403)
        except BadMessage as exc:
            return _plain(f"bad request: {exc}", 400)
        delivery = self._intake.submit(event, raw, started + self._config.server.reply_deadline)
        reply = await delivery.answered
        if reply is TOO_LATE:
            return self._too_late(delivery)
        if reply is None:
            return _plain("database unavailable, retry later", 503)
        if not isinstance(reply, TextReply):
            return _plain(SUCCESS)
        return self._render(event.openid, fields.get("ToUserName", ""), reply.text, encrypted, nonce)

    def _authenticate(self, signature: str, timestamp: str, nonce: str, now: float) -> None:
        wx = self._config.wechat
        check_signature(wx.token, signature, timestamp, nonce)
        check_fresh(timestamp, now, wx.timestamp_tolerance)

    def _read(
        self, body: bytes, encrypted: bool, msg_signature: str, timestamp: str, nonce: str
    ) -> tuple[dict[str, str], str]:
        """The message's fields and the XML to store (decrypted in safe mode)."""
        fields = xml_fields(body)
        raw = body.decode("utf-8", "replace")
        if encrypted:
            raw = _decrypt(self._app, fields, msg_signature, timestamp, nonce)
            fields = xml_fields(raw.encode())
        return fields, raw

    def _too_late(self, delivery: Delivery) -> web.Response:
        if not delivery.stored:
            # A database that hangs instead of refusing counts as down: if the message is stored
            # later after all, WeChat's retry finds it there.
            return _plain("database unavailable, retry later", 503)
        # Stored already: answering "success" loses nothing; the reply follows through the outbox.
        logger.warning("reply not ready in time for %s; answered success", delivery.event.kind)
        self._intake.push_late(delivery)
        return _plain(SUCCESS)

    def _render(self, openid: str, account: str, text: str, encrypted: bool, nonce: str) -> web.Response:
        now = int(time.time())
        xml = render_text(openid, account, text, now)
        if encrypted:
            xml = self._app[ENCRYPTER].encrypt(xml, nonce, now)
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
    app.router.add_post(PATH, Callback(app).receive)
