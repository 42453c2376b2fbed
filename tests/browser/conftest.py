"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium, installed by
scripts/browser.sh) against a real louwu server; screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import create_app
from bot.config import Config
from tests.conftest import make_config

CHROMIUM = Path(os.environ.get("LOUWU_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(os.environ.get("LOUWU_ARTIFACTS", Path(__file__).resolve().parents[2] / "artifacts"))


@pytest.fixture
def config(db_url: str) -> Config:
    """The demo's settings: the simulator (and its fake of WeChat's API) and the scheduler in process."""
    return make_config(
        db_url,
        simulator={"enabled": True},
        scheduler={"in_process": True, "dispatch_interval": 0.5},
        templates={"issue_update": "tpl_update", "alert": "tpl_alert"},
    )


@pytest.fixture
async def server(aiohttp_server: Any, config: Config, demo: None) -> Any:
    return await aiohttp_server(create_app(config))


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: run `sh scripts/browser.sh` (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture
async def browser(chromium: Path) -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        chromium = await pw.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        yield chromium
        await chromium.close()


@pytest.fixture
def screenshot_dir() -> Path:
    path = ARTIFACTS / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path
