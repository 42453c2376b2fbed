"""API tokens: `Authorization: Bearer <token>`, looked up by SHA-256 (a token is random, so a plain
hash is enough; the token itself is never stored). Errors raised here become JSON in v1's middleware."""

from __future__ import annotations

import hashlib

from aiohttp import web

from bot.keys import SESSIONMAKER
from nlp.masking import mask_personal
from storage import repos
from storage.models import User

# Whether this request's token may read personal data in clear (`louwu users token --personal-data`).
PERSONAL = web.RequestKey("api_personal_data", bool)


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
    async with request.config_dict[SESSIONMAKER]() as db:
        found = await repos.users.by_token(db, api_token_hash(token.strip()))
    if found is None:
        raise web.HTTPUnauthorized(text="unknown or revoked token", headers={"WWW-Authenticate": "Bearer"})
    user, api_token = found
    request[PERSONAL] = api_token.personal_data
    return user


def shown(request: web.Request, text: str) -> str:
    """A complaint or a note as this token may read it: masked unless it has the right."""
    return text if request.get(PERSONAL) else mask_personal(text)
