"""Generated callbacks (tests/fuzzing.py) against a live louwu in safe mode, which also takes
plaintext: every answer a status louwu means, no traceback, no hang. `bench/fuzz.py` runs the same
campaign at 50,000 cases and watches the server's memory."""

from __future__ import annotations

import asyncio
import os

from bot.app import create_app
from bot.seed import load_seed, read_seed
from storage.db import make_engine, make_sessionmaker
from tests.conftest import AES_KEY, APP_ID, DEMO_SEED, TOKEN, make_config
from tests.fake_thread import serve_app_in_thread
from tests.fuzzing import Tally, Target, campaign

CASES = int(os.environ.get("LOUWU_FUZZ_CASES", "1500"))


async def seed_demo(url: str) -> None:
    engine = make_engine(url)
    async with make_sessionmaker(engine).begin() as session:
        await load_seed(session, read_seed(DEMO_SEED))
    await engine.dispose()


def test_generated_callbacks_never_break_the_server(db_url: str) -> None:
    asyncio.run(seed_demo(db_url))
    config = make_config(db_url, wechat={"encoding_aes_key": AES_KEY})
    with serve_app_in_thread(create_app(config)) as url:
        host, port = url.removeprefix("http://").split(":")
        tally = Tally()
        campaign(Target(host, int(port), TOKEN, APP_ID, AES_KEY), CASES, tally)
    assert tally.statuses[200] > CASES / 4, "too few generated messages reached the handlers"
