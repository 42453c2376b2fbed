"""The asynchronous WeChat API client on aiohttp: UTF-8 JSON, a timeout on every call, typed errors.

wechatpy's own client is synchronous and would block the event loop, so only its parsing and crypto
are used elsewhere; this is ours.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import aiohttp
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import WeChatConfig
from bot.wechat.errors import TIMEOUT, Permanent, TokenInvalid, Transient, error_for
from bot.wechat.token import TokenProvider

NO_MENU = 46003  # menu/get on an account without a menu
TOO_LARGE = -4  # our own code for a download over [media] max_bytes
T = TypeVar("T")


@dataclass(frozen=True)
class Download:
    data: bytes
    content_type: str


@dataclass(frozen=True)
class QRCode:
    ticket: str
    url: str


class WeChatAPI:
    def __init__(
        self,
        http: aiohttp.ClientSession,
        config: WeChatConfig,
        sessionmaker: async_sessionmaker[AsyncSession],
        now: Callable[[], dt.datetime],
    ) -> None:
        self._http = http
        self._base = config.api_base_url.rstrip("/")
        self._app_id = config.app_id
        self._secret = config.app_secret
        self._timeout = aiohttp.ClientTimeout(total=config.api_timeout)
        self.tokens = TokenProvider(sessionmaker, config.app_id, self.fetch_token, now)

    async def fetch_token(self, force: bool) -> tuple[str, int]:
        """`POST /cgi-bin/stable_token`: the same token while valid, unless `force`."""
        body = {
            "grant_type": "client_credential",
            "appid": self._app_id,
            "secret": self._secret,
            "force_refresh": force,
        }
        result = await self._post("/cgi-bin/stable_token", None, body, token_endpoint=True)
        return str(result["access_token"]), int(result.get("expires_in", 7200))

    async def send_text(self, openid: str, text: str) -> None:
        body = {"touser": openid, "msgtype": "text", "text": {"content": text}}
        await self.call("/cgi-bin/message/custom/send", body)

    async def send_template(self, openid: str, template_id: str, data: dict[str, str]) -> None:
        body = {
            "touser": openid,
            "template_id": template_id,
            "data": {key: {"value": value} for key, value in data.items()},
        }
        await self.call("/cgi-bin/message/template/send", body)

    async def create_qrcode(self, scene: str) -> QRCode:
        """A permanent scene QR code (QR_LIMIT_STR_SCENE); draw it from `url`, never from the API host."""
        body = {"action_name": "QR_LIMIT_STR_SCENE", "action_info": {"scene": {"scene_str": scene}}}
        result = await self.call("/cgi-bin/qrcode/create", body)
        return QRCode(ticket=str(result["ticket"]), url=str(result["url"]))

    async def private_templates(self) -> dict[str, str]:
        """The account's templates (get_all_private_template): id → content with its {{key.DATA}}."""
        result = await self.call("/cgi-bin/template/get_all_private_template", None)
        return {str(t.get("template_id")): str(t.get("content", "")) for t in result.get("template_list", [])}

    async def create_menu(self, body: dict[str, Any]) -> None:
        await self.call("/cgi-bin/menu/create", body)

    async def get_menu(self) -> dict[str, Any] | None:
        """`menu/get`: the menu the account has, or None when it has none (46003)."""
        try:
            return await self.call("/cgi-bin/menu/get", None)
        except Permanent as exc:
            if exc.errcode == NO_MENU:
                return None
            raise

    async def delete_menu(self) -> None:
        await self.call("/cgi-bin/menu/delete", None)

    async def get_media(self, media_id: str, max_bytes: int) -> Download:
        """`media/get`: a temporary medium's bytes (WeChat keeps them three days); an expired or unknown
        MediaId is 40007, a Permanent error."""
        return await self._with_token(lambda token: self._download(media_id, token, max_bytes))

    async def call(self, path: str, body: dict[str, Any] | None) -> dict[str, Any]:
        """Call with the shared token (a GET when there is no body)."""
        return await self._with_token(lambda token: self._post(path, token, body))

    async def _with_token(self, do: Callable[[str], Awaitable[T]]) -> T:
        """`do` with the shared token; on 40001/42001/40014 get another and retry once."""
        token = await self.tokens.get()
        try:
            return await do(token)
        except TokenInvalid:
            return await do(await self.tokens.renew(token))

    async def _download(self, media_id: str, token: str, max_bytes: int) -> Download:
        params = {"access_token": token, "media_id": media_id}
        path = "/cgi-bin/media/get"
        try:
            async with self._http.get(self._base + path, params=params, timeout=self._timeout) as resp:
                if resp.status >= 500:
                    raise Transient(resp.status, f"HTTP {resp.status} from {path}")
                kind = resp.content_type
                data = await _read_at_most(resp, max_bytes + 1)
        except TimeoutError:
            raise Transient(TIMEOUT, f"no answer from {path} in {self._timeout.total} s") from None
        except aiohttp.ClientError as exc:
            raise Transient(-3, f"{path}: {exc.__class__.__name__}: {exc}") from None
        if kind in ("application/json", "text/plain"):  # WeChat answers an error as JSON
            result = json.loads(data or b"{}")
            raise error_for(int(result.get("errcode", -3) or -3), str(result.get("errmsg", "")))
        if len(data) > max_bytes:
            raise Permanent(TOO_LARGE, f"larger than {max_bytes} bytes")
        return Download(data, kind)

    async def _post(
        self, path: str, token: str | None, body: dict[str, Any] | None, token_endpoint: bool = False
    ) -> dict[str, Any]:
        params = {"access_token": token} if token else None
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8"} if data is not None else None
        method = "GET" if data is None else "POST"
        try:
            async with self._http.request(
                method, self._base + path, params=params, data=data, headers=headers, timeout=self._timeout
            ) as resp:
                if resp.status >= 500:
                    raise Transient(resp.status, f"HTTP {resp.status} from {path}")
                result = await resp.json(content_type=None)
        except TimeoutError:
            raise Transient(TIMEOUT, f"no answer from {path} in {self._timeout.total} s") from None
        except (aiohttp.ClientError, json.JSONDecodeError) as exc:
            raise Transient(-3, f"{path}: {exc.__class__.__name__}: {exc}") from None
        code = int(result.get("errcode", 0) or 0) if isinstance(result, dict) else -3
        if code:
            raise error_for(code, str(result.get("errmsg", "")), token_endpoint)
        return result


async def _read_at_most(resp: aiohttp.ClientResponse, limit: int) -> bytes:
    """The body, or its first `limit` bytes: a huge download is cut short, not held in memory."""
    chunks, size = [], 0
    async for chunk in resp.content.iter_chunked(64 * 1024):
        chunks.append(chunk)
        size += len(chunk)
        if size >= limit:
            break
    return b"".join(chunks)[:limit]
