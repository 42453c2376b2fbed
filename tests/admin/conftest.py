"""The admin web under test: accounts made as `louwu users add` makes them, and a signed-in client."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot import passwords
from bot.clock import FrozenClock
from storage import repos

PASSWORD = "correct horse battery"  # noqa: S105 - a test account's password


async def make_user(sessionmaker: Any, name: str, role: str, building: str | None = None) -> None:
    async with sessionmaker.begin() as db:
        b = await repos.org.building_by_code(db, building) if building else None
        await repos.users.add(
            db, name, passwords.hash_password(PASSWORD), role, FrozenClock().now(), b.id if b else None
        )


def csrf_of(html: str) -> str:
    found = re.search(r'name="_csrf" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


class Browser:
    """An HTTP client that keeps its cookies and fills forms the way a page does."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.csrf = ""

    async def get(self, path: str, **kw: Any) -> Any:
        resp = await self.client.get(path, **kw)
        text = await resp.text()
        if 'name="_csrf"' in text:
            self.csrf = csrf_of(text)
        resp.body_text = text
        return resp

    async def post(self, path: str, data: dict[str, str], csrf: bool = True) -> Any:
        form = {**data, "_csrf": self.csrf} if csrf else data
        resp = await self.client.post(path, data=form, allow_redirects=False)
        resp.body_text = await resp.text()
        return resp

    async def login(self, name: str, password: str = PASSWORD) -> Any:
        await self.get("/admin/login")
        return await self.post("/admin/login", {"name": name, "password": password})


@pytest.fixture
async def users(sessionmaker: Any, demo: None) -> None:
    await make_user(sessionmaker, "admin", "admin")
    await make_user(sessionmaker, "kdk", "convener", "kdk")


@pytest.fixture
def browser(client: Any, users: None) -> Browser:
    return Browser(client)
