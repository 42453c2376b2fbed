"""API tokens: `Authorization: Bearer <token>`, looked up by SHA-256 (a token is random, so a plain
hash is enough; the token itself is never stored). Errors raised here become JSON in v1's middleware."""

from __future__ import annotations

import hashlib

from aiohttp import web

from bot.keys import SESSIONMAKER
from storage import repos
from storage.models import User


def api_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def api_user(request: web.Request) -> User:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise web.HTTPUnauthorized(
            text="send Authorization: Bearer <token> (make one with louwu users token NAME)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    async with request.app[SESSIONMAKER]() as db:
        user = await repos.users.by_token(db, api_token_hash(token.strip()))
    if user is None:
        raise web.HTTPUnauthorized(text="unknown or revoked token", headers={"WWW-Authenticate": "Bearer"})
    return user
