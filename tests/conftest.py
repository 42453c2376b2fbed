"""Shared fixtures: config, a migrated database per test (SQLite, and PostgreSQL when it answers),
a frozen clock, the app under test and WeChat's side of the callback."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.app import create_app
from bot.clock import FrozenClock
from bot.config import Config, config_from_dict
from bot.simulator.fake_wechat import FakeWeChatAPI
from storage import schema
from storage.db import make_engine, make_sessionmaker
from tests.wx import WeChatSender

TOKEN = "louwu-test-token"
SECRET = "louwu-test-secret"  # noqa: S105 - the fake WeChat's secret
APP_ID = "wx_louwu_test"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
DEFAULT_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def _pg_admin_url() -> str | None:
    """The PostgreSQL to test on: LOUWU_TEST_DATABASE_URL, else the local server if it answers."""
    url = os.environ.get("LOUWU_TEST_DATABASE_URL")
    if url:
        return url
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
            return DEFAULT_PG
    except OSError:
        return None


PG_URL = _pg_admin_url()
BACKENDS = ["sqlite", "postgresql"]


def pytest_report_header(config: pytest.Config) -> str:
    if PG_URL:
        return f"louwu: PostgreSQL tests on {make_url(PG_URL).render_as_string(hide_password=True)}"
    return "louwu: PostgreSQL tests SKIPPED (no server on 127.0.0.1:5432, LOUWU_TEST_DATABASE_URL unset)"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tpl") / "template.db"
    schema.upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    if PG_URL is None:
        pytest.skip("PostgreSQL not reachable on 127.0.0.1:5432 and LOUWU_TEST_DATABASE_URL unset")
    name = f"louwu_tpl_{uuid.uuid4().hex[:8]}"
    _pg_exec(f'CREATE DATABASE "{name}"')
    schema.upgrade(make_url(PG_URL).set(database=name).render_as_string(False))
    yield name
    _pg_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_exec(sql: str) -> None:
    async def run() -> None:
        engine = make_engine(PG_URL, isolation_level="AUTOCOMMIT")  # type: ignore[arg-type]
        async with engine.connect() as conn:
            await conn.execute(text(sql))
        await engine.dispose()

    asyncio.run(run())


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "louwu.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    yield from _pg_copy(request.getfixturevalue("pg_template"))


@pytest.fixture
def pg_url(pg_template: str) -> Iterator[str]:
    """A migrated PostgreSQL database of the test's own (skipped, and said so, without a server)."""
    yield from _pg_copy(pg_template)


def _pg_copy(template: str) -> Iterator[str]:
    name = f"louwu_t_{uuid.uuid4().hex[:10]}"
    _pg_exec(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    yield make_url(PG_URL).set(database=name).render_as_string(False)  # type: ignore[arg-type]
    _pg_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    path = tmp_path / "louwu.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


def make_config(db_url: str, api_url: str = "http://127.0.0.1:9", **sections: Any) -> Config:
    """A test config: the scheduler off (tests run jobs themselves, at the clock's time)."""
    data: dict[str, Any] = {
        "database": {"url": db_url},
        "wechat": {"token": TOKEN, "app_id": APP_ID, "app_secret": SECRET, "api_base_url": api_url},
        "scheduler": {"in_process": False},
    }
    for name, values in sections.items():
        data.setdefault(name, {}).update(values)
    return config_from_dict(data, "test")


@pytest.fixture
async def fake_wechat(aiohttp_server: Any, clock: FrozenClock) -> AsyncIterator[FakeWeChatAPI]:
    """WeChat's API, faked by a real local server that keeps a transcript."""
    fake = FakeWeChatAPI(APP_ID, SECRET, now=clock.now)
    server = await aiohttp_server(fake.app())
    fake.url = str(server.make_url(""))
    yield fake


@pytest.fixture
def config(db_url: str, fake_wechat: FakeWeChatAPI) -> Config:
    return make_config(db_url, fake_wechat.url)


@pytest.fixture
async def sessionmaker(config: Config) -> AsyncIterator[Any]:
    engine = make_engine(config.database.url)
    yield make_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
async def client(aiohttp_client: Any, config: Config, clock: FrozenClock) -> Any:
    return await aiohttp_client(create_app(config, clock=clock))


@pytest.fixture
def wx(client: Any, clock: FrozenClock) -> WeChatSender:
    return WeChatSender(client, TOKEN, APP_ID, clock=clock)


DEMO_SEED = Path(__file__).resolve().parent.parent / "bot" / "demo" / "demo.toml"


@pytest.fixture
async def demo(sessionmaker: Any) -> None:
    """The demo's grids, buildings and committees (bot/demo/demo.toml)."""
    from bot.seed import load_seed, read_seed

    async with sessionmaker.begin() as session:
        await load_seed(session, read_seed(DEMO_SEED))


@pytest.fixture
def jobs(client: Any) -> Any:
    """The app's scheduled work, run by the test at the clock's time."""
    from bot.keys import JOBS

    return client.server.app[JOBS]
