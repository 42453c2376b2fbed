"""A local fake of WeChat's API: a real aiohttp app that keeps a transcript and can be told to fail.

The simulator serves it at run time and the tests drive it: `fail_next`, `slow`, `close_window`,
`unsubscribe`, `expire_tokens`; `sent_to(openid)` says what reached a user. Unknown paths answer
loudly, so a call the fake does not know is never mistaken for success.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.simulator.fake_limits import menu_refusal

TOKEN_TTL = 7200
MEDIA_TTL = dt.timedelta(days=3)
DEMO_TEMPLATE = (
    "编号:{{character_string1.DATA}}\n事项:{{thing2.DATA}}\n状态:{{phrase3.DATA}}\n时间:{{time4.DATA}}"
)
UNKNOWN_PATH = 99999


@dataclass(frozen=True)
class Call:
    path: str
    query: dict[str, str]
    body: dict[str, Any]
    answer: dict[str, Any]
    status: int = 200
    raw: str = ""  # the body as sent, to check its encoding


@dataclass(frozen=True)
class Delivered:
    openid: str
    channel: str  # custom | template
    text: str
    data: dict[str, str] = field(default_factory=dict)


class FakeWeChatAPI:
    def __init__(
        self,
        app_id: str = "wx_louwu_demo",
        app_secret: str = "",
        now: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.app_id, self.app_secret = app_id, app_secret
        self.now = now or (lambda: dt.datetime.now(dt.UTC))
        self.calls: list[Call] = []
        self.delivered: list[Delivered] = []
        self._tokens: dict[str, dt.datetime] = {}
        self._current: str | None = None
        self._serial = itertools.count(1)
        self._failures: dict[str, deque[int]] = defaultdict(deque)
        self._slow: dict[str, float] = {}
        self._closed: set[str] = set()
        self._gone: set[str] = set()
        self.listeners: list[Callable[[Delivered], None]] = []
        self.menu: list[dict[str, Any]] | None = None  # the account's menu, as menu/create took it
        # The account's templates (id → content); the demo's ids, with louwu's default keys.
        self.templates = {tid: DEMO_TEMPLATE for tid in ("demo_issue_update", "demo_alert")}
        self._refused_ip = ""
        self._media: dict[str, tuple[bytes, str, dt.datetime]] = {}
        self.url = ""  # where it is served, set by whoever serves it

    # -- scripting ---------------------------------------------------------------------------------
    def fail_next(self, path: str, errcode: int, times: int = 1) -> None:
        """The next `times` calls to `path` answer `errcode` (500–599: that HTTP status)."""
        self._failures[path].extend([errcode] * times)

    def slow(self, path: str, seconds: float) -> None:
        self._slow[path] = seconds

    def close_window(self, openid: str) -> None:
        self._closed.add(openid)

    def unsubscribe(self, openid: str) -> None:
        self._gone.add(openid)

    def add_media(self, data: bytes, content_type: str = "image/jpeg") -> str:
        """A temporary medium as a user's upload leaves it: its MediaId, good for three days."""
        media_id = f"fake-media-{next(self._serial)}"
        self._media[media_id] = (data, content_type, self.now())
        return media_id

    def refuse_ip(self, ip: str) -> None:
        """The token endpoint answers 40164 naming `ip`, as when this server is not on the allow-list."""
        self._refused_ip = ip

    def expire_tokens(self) -> None:
        self._tokens.clear()
        self._current = None

    # -- reading -----------------------------------------------------------------------------------
    def sent_to(self, openid: str) -> list[str]:
        return [d.text for d in self.delivered if d.openid == openid]

    @property
    def token_calls(self) -> int:
        return sum(c.path.endswith("token") for c in self.calls)

    def calls_to(self, path: str) -> list[Call]:
        return [c for c in self.calls if c.path == path]

    # -- the app -----------------------------------------------------------------------------------
    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/cgi-bin/stable_token", self._stable_token)
        app.router.add_post("/cgi-bin/message/custom/send", self._custom)
        app.router.add_post("/cgi-bin/message/template/send", self._template)
        app.router.add_post("/cgi-bin/qrcode/create", self._qrcode)
        app.router.add_get("/cgi-bin/template/get_all_private_template", self._templates)
        app.router.add_get("/cgi-bin/media/get", self._media_get)
        app.router.add_post("/cgi-bin/menu/create", self._menu_create)
        app.router.add_get("/cgi-bin/menu/get", self._menu_get)
        app.router.add_get("/cgi-bin/menu/delete", self._menu_delete)
        app.router.add_route("*", "/{tail:.*}", self._unknown)
        return app

    async def _answer(
        self, request: web.Request, handle: Callable[[dict[str, Any]], dict[str, Any]]
    ) -> web.Response:
        raw = await request.read()
        try:
            body = json.loads(raw.decode("utf-8")) if raw else {}
        except (UnicodeDecodeError, json.JSONDecodeError):
            body = {"_raw": raw.decode("utf-8", "replace")}
        path, query = request.path, dict(request.query)
        if path in self._slow:
            await asyncio.sleep(self._slow[path])
        failures = self._failures.get(path)
        if failures:
            code = failures.popleft()
            if 500 <= code < 600:
                self.calls.append(Call(path, query, body, {}, code, raw.decode("utf-8", "replace")))
                return web.Response(status=code, text="fake server error")
            answer = {"errcode": code, "errmsg": "fake failure"}
        else:
            answer = self._token_error(path, query) or handle(body)
        self.calls.append(Call(path, query, body, answer, 200, raw.decode("utf-8", "replace")))
        return web.Response(text=json.dumps(answer, ensure_ascii=False), content_type="application/json")

    def _token_error(self, path: str, query: dict[str, str]) -> dict[str, Any] | None:
        if path.endswith("token"):
            return None
        token = query.get("access_token")
        if not token:
            return {"errcode": 41001, "errmsg": "access_token missing"}
        expires = self._tokens.get(token)
        if expires is None:
            return {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid or not latest"}
        if expires <= self.now():
            return {"errcode": 42001, "errmsg": "access_token expired"}
        return None

    async def _stable_token(self, request: web.Request) -> web.Response:
        return await self._answer(request, self._issue_token)

    def _issue_token(self, body: dict[str, Any]) -> dict[str, Any]:
        if self._refused_ip:
            ip = self._refused_ip
            return {
                "errcode": 40164,
                "errmsg": f"invalid ip {ip} ipv6 ::ffff:{ip}, not in whitelist rid: fake",
            }
        if body.get("appid") != self.app_id:
            return {"errcode": 40013, "errmsg": "invalid appid"}
        if self.app_secret and body.get("secret") != self.app_secret:
            return {"errcode": 40125, "errmsg": "invalid appsecret"}
        now = self.now()
        current = self._current
        if body.get("force_refresh") or current is None or self._tokens.get(current, now) <= now:
            current = f"fake-token-{next(self._serial)}"
            self._tokens[current] = now + dt.timedelta(seconds=TOKEN_TTL)
            self._current = current
        left = int((self._tokens[current] - now).total_seconds())
        return {"access_token": current, "expires_in": left}

    async def _custom(self, request: web.Request) -> web.Response:
        def send(body: dict[str, Any]) -> dict[str, Any]:
            openid = str(body.get("touser", ""))
            refused = self._refuse(openid, window=True)
            if refused:
                return refused
            text = str(body.get("text", {}).get("content", ""))
            self._deliver(Delivered(openid, "custom", text))
            return {"errcode": 0, "errmsg": "ok"}

        return await self._answer(request, send)

    async def _template(self, request: web.Request) -> web.Response:
        def send(body: dict[str, Any]) -> dict[str, Any]:
            openid = str(body.get("touser", ""))
            refused = self._refuse(openid, window=False)
            if refused:
                return refused
            if not body.get("template_id"):
                return {"errcode": 40037, "errmsg": "invalid template_id"}
            data = {k: str(v.get("value", "")) for k, v in (body.get("data") or {}).items()}
            if any(len(v) > 20 or "\n" in v for v in data.values()):
                return {"errcode": 47003, "errmsg": "argument invalid! data.value too long or has line break"}
            self._deliver(Delivered(openid, "template", " ".join(data.values()), data))
            return {"errcode": 0, "errmsg": "ok", "msgid": next(self._serial)}

        return await self._answer(request, send)

    def _refuse(self, openid: str, window: bool) -> dict[str, Any] | None:
        if not openid:
            return {"errcode": 40003, "errmsg": "invalid openid"}
        if openid in self._gone:
            return {"errcode": 43004, "errmsg": "require subscribe"}
        if window and openid in self._closed:
            return {"errcode": 45015, "errmsg": "response out of time limit or subscription is canceled"}
        return None

    def _deliver(self, d: Delivered) -> None:
        self.delivered.append(d)
        for listener in self.listeners:
            listener(d)

    async def _qrcode(self, request: web.Request) -> web.Response:
        def create(body: dict[str, Any]) -> dict[str, Any]:
            scene = str(body.get("action_info", {}).get("scene", {}).get("scene_str", ""))
            if not 1 <= len(scene) <= 64:
                return {"errcode": 40097, "errmsg": "invalid args: scene_str must be 1-64 characters"}
            ticket = f"fake-ticket-{scene}"
            return {"ticket": ticket, "expire_seconds": 0, "url": f"http://weixin.qq.com/q/{scene}"}

        return await self._answer(request, create)

    async def _media_get(self, request: web.Request) -> web.Response:
        """The bytes of a temporary medium, or WeChat's JSON error: expired after three days."""
        media_id = request.query.get("media_id", "")
        found = self._media.get(media_id)
        fresh = found is not None and self.now() - found[2] < MEDIA_TTL

        def answer(_: dict[str, Any]) -> dict[str, Any]:
            return {} if fresh else {"errcode": 40007, "errmsg": "invalid media_id"}

        response = await self._answer(request, answer)
        last = self.calls[-1]
        if not fresh or last.status != 200 or last.answer.get("errcode"):
            return response
        assert found is not None
        return web.Response(body=found[0], content_type=found[1])

    async def _templates(self, request: web.Request) -> web.Response:
        def listed(_: dict[str, Any]) -> dict[str, Any]:
            rows = [
                {"template_id": t, "title": "事项进展通知", "content": c} for t, c in self.templates.items()
            ]
            return {"template_list": rows}

        return await self._answer(request, listed)

    async def _menu_create(self, request: web.Request) -> web.Response:
        def create(body: dict[str, Any]) -> dict[str, Any]:
            refused = menu_refusal(body.get("button"))
            if refused:
                return {"errcode": refused[0], "errmsg": refused[1]}
            self.menu = body["button"]
            return {"errcode": 0, "errmsg": "ok"}

        return await self._answer(request, create)

    async def _menu_get(self, request: web.Request) -> web.Response:
        def get(_: dict[str, Any]) -> dict[str, Any]:
            if self.menu is None:
                return {"errcode": 46003, "errmsg": "menu no exist"}
            shown = [
                {**b, "sub_button": [{**s, "sub_button": []} for s in b.get("sub_button", [])]}
                for b in self.menu
            ]
            return {"menu": {"button": shown}}

        return await self._answer(request, get)

    async def _menu_delete(self, request: web.Request) -> web.Response:
        def delete(_: dict[str, Any]) -> dict[str, Any]:
            self.menu = None
            return {"errcode": 0, "errmsg": "ok"}

        return await self._answer(request, delete)

    async def _unknown(self, request: web.Request) -> web.Response:
        answer = {
            "errcode": UNKNOWN_PATH,
            "errmsg": f"fake_wechat: no endpoint {request.method} {request.path}",
        }
        self.calls.append(Call(request.path, dict(request.query), {}, answer, 404))
        return web.json_response(answer, status=404)
