"""A louwu with demo data, an admin and a convener with API tokens, for the JSON API tests."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot import passwords
from bot.api.auth import api_token_hash
from bot.app import create_app
from bot.clock import FrozenClock
from bot.seed import load_seed, read_seed
from storage import repos
from storage.db import make_engine, make_sessionmaker
from tests.conftest import DEMO_SEED, make_config
from tests.fake_thread import serve_app_in_thread

ADMIN_TOKEN = "admin-token-for-tests"
KDK_TOKEN = "kdk-convener-token-for-tests"


@dataclass(frozen=True)
class LiveAPI:
    url: str
    db_url: str


async def prepare(db_url: str) -> None:
    """Demo buildings, two accounts with tokens (the convener's may read personal data), and two
    issues (one in 凯迪克大厦 with a phone number, one in 恒隆广场)."""
    engine = make_engine(db_url)
    now = FrozenClock().now()
    async with make_sessionmaker(engine).begin() as db:
        await load_seed(db, read_seed(DEMO_SEED))
        for name, role, building, token in (
            ("admin", "admin", None, ADMIN_TOKEN),
            ("kdk", "convener", "kdk", KDK_TOKEN),
        ):
            b = await repos.org.building_by_code(db, building) if building else None
            user = await repos.users.add(
                db, name, passwords.hash_password("x" * 12), role, now, b.id if b else None
            )
            await repos.users.add_token(db, user, "tests", api_token_hash(token), now, role == "convener")
        for code, text in (
            ("kdk", "四楼食堂下个月就关了，联系我13812345678"),
            ("hlgc", "电梯坏了，困了十分钟"),
        ):
            b = await repos.org.building_by_code(db, code)
            assert b is not None
            new = repos.issues.NewIssue(text, "dining", ["dining"], {}, False, b.id, None, None)
            await repos.issues.create(db, new, "reporter", now)
    await engine.dispose()


@pytest.fixture
def live_api(db_url: str, tmp_path: Path) -> Iterator[LiveAPI]:
    asyncio.run(prepare(db_url))
    with serve_app_in_thread(create_app(make_config(db_url))) as url:
        yield LiveAPI(url, db_url)
