"""Who is asking: the signed session cookie, login with limited attempts, and CSRF on every form.

The cookie carries a session key, the user's session epoch (bumped by a password change or a
disable) and the CSRF token, signed and timed with itsdangerous; the signing key lives in the database
so that every process accepts every other's cookies. A signed-in session is also a row in the
database (by the SHA-256 of its key), which logging out deletes: a copied cookie dies with it."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from aiohttp import ChainMapProxy, web
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.ext.asyncio import AsyncSession

from bot import passwords
from bot.config import AdminConfig
from bot.keys import CONFIG, SESSIONMAKER
from storage import repos
from storage.models import User

COOKIE = "louwu_admin"
KEY_SETTING = "admin.cookie_key"
CSRF_FIELD = "_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_REFUSED = "表单已过期或来源不明（缺少有效的 CSRF 令牌）：请刷新页面后再提交一次。"
_DUMMY_HASH = passwords.hash_password("louwu-not-a-password")  # equal time for unknown names


@dataclass(frozen=True)
class Session:
    key: str | None  # None: nobody signed in
    epoch: int
    csrf: str

    def as_payload(self) -> dict[str, Any]:
        return {"k": self.key, "e": self.epoch, "c": self.csrf}

    @property
    def key_hash(self) -> str | None:
        return hashlib.sha256(self.key.encode()).hexdigest() if self.key else None


class Cookies:
    def __init__(self, key: str, config: AdminConfig) -> None:
        self._signer = URLSafeTimedSerializer(key, salt="louwu-admin-session")
        self._config = config

    def read(self, request: web.Request) -> Session | None:
        raw = request.cookies.get(COOKIE)
        if not raw:
            return None
        try:
            data = self._signer.loads(raw, max_age=int(self._config.session_hours * 3600))
            key = data.get("k")
            return Session(key if isinstance(key, str) else None, int(data.get("e", 0)), str(data["c"]))
        except (BadSignature, KeyError, TypeError, ValueError):
            return None

    def write(self, response: web.StreamResponse, session: Session) -> None:
        """Re-signed on every page, so the expiry counts from the latest use."""
        response.set_cookie(
            COOKIE,
            self._signer.dumps(session.as_payload()),
            max_age=int(self._config.session_hours * 3600),
            httponly=True,
            samesite="Lax",
            secure=self._config.secure_cookies,
            path="/",
        )


def anonymous() -> Session:
    return Session(None, 0, secrets.token_urlsafe(24))


async def start(db: AsyncSession, user: User, now: dt.datetime) -> Session:
    """A signed-in session with a fresh key and CSRF token, recorded on the server."""
    session = Session(secrets.token_urlsafe(32), user.session_epoch, secrets.token_urlsafe(24))
    assert session.key_hash is not None
    await repos.users.start_session(db, user, session.key_hash, now)
    return session


async def user_of(db: AsyncSession, session: Session | None) -> User | None:
    """Who a cookie's session belongs to: nobody once it was ended, the password changed, or the
    account disabled."""
    if session is None or session.key_hash is None:
        return None
    user = await repos.users.by_session(db, session.key_hash)
    if user is None or not user.active or user.session_epoch != session.epoch:
        return None
    return user


async def end(db: AsyncSession, session: Session) -> None:
    if session.key_hash is not None:
        await repos.users.end_session(db, session.key_hash)


def csrf_ok(session: Session | None, given: str) -> bool:
    return session is not None and bool(given) and hmac.compare_digest(session.csrf, given)


class LoginRefused(Exception):
    pass


async def login(db: AsyncSession, name: str, password: str, now: dt.datetime, config: AdminConfig) -> User:
    """The user, or LoginRefused saying why in words a person can act on."""
    user = await repos.users.by_name(db, name)
    if user is None or not user.active:
        passwords.verify_password(_DUMMY_HASH, password)
        raise LoginRefused("用户名或密码不对。")
    if user.locked_until and user.locked_until > now:
        left = max(1, int((user.locked_until - now).total_seconds() // 60))
        raise LoginRefused(f"密码错误次数太多，账号已锁定，请 {left} 分钟后再试，或请管理员重设密码。")
    if not passwords.verify_password(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= config.login_attempts:
            user.locked_until = now + dt.timedelta(minutes=config.lockout_minutes)
            user.failed_logins = 0
        raise LoginRefused("用户名或密码不对。")
    user.failed_logins, user.locked_until = 0, None
    return user


class CookieKey:
    """The cookie signer, keyed once from the database on the first admin request (not at start-up,
    so that a database that is down stops only the admin web, not the callback)."""

    def __init__(self) -> None:
        self._cookies: Cookies | None = None

    async def cookies(self, app: ChainMapProxy) -> Cookies:
        if self._cookies is None:
            async with app[SESSIONMAKER].begin() as db:  # one key for every process: the first one's
                await repos.shared.put_setting(db, KEY_SETTING, secrets.token_urlsafe(32))
            async with app[SESSIONMAKER]() as db:
                key = await repos.shared.setting(db, KEY_SETTING)
            assert key is not None
            self._cookies = Cookies(key, app[CONFIG].admin)
        return self._cookies
