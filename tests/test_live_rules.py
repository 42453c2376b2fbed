"""The live tagger: a process reads the active model once, whichever part of it asks, and reads it
ahead of serving when told to."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from bot.rules import LiveRules, read_ahead
from nlp.engine import DEFAULT_SETTINGS
from nlp.train import Example, train
from storage import repos
from storage.db import make_engine, make_sessionmaker

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


async def store_model(sqlite_url: str, text: str) -> None:
    model = train([Example(f"{text}坏了", "facilities"), Example("食堂关了", "dining")], "test")
    engine = make_engine(sqlite_url)
    async with make_sessionmaker(engine).begin() as session:
        await repos.rules.save_model(session, model.dumps(), 2, 0, "test", "admin", NOW)
    await engine.dispose()


async def read_model(sqlite_url: str):  # noqa: ANN201 - a TextModel
    engine = make_engine(sqlite_url)
    async with make_sessionmaker(engine)() as session:
        model = (await LiveRules(DEFAULT_SETTINGS).engine(session)).model
    await engine.dispose()
    return model


async def test_every_live_tagger_of_a_process_shares_the_model_it_read(sqlite_url: str) -> None:
    await store_model(sqlite_url, "电梯")
    first, second = await read_model(sqlite_url), await read_model(sqlite_url)
    assert first is second


async def test_a_new_model_is_read_anew(sqlite_url: str) -> None:
    await store_model(sqlite_url, "电梯")
    before = await read_model(sqlite_url)
    await store_model(sqlite_url, "空调")
    after = await read_model(sqlite_url)
    assert after is not before and after.feature_id("空调") is not None


async def test_what_was_read_ahead_is_not_read_again(
    sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    await store_model(sqlite_url, "电梯")
    caplog.set_level(logging.INFO, "louwu.rules")
    await read_ahead(sqlite_url, DEFAULT_SETTINGS)
    await read_model(sqlite_url)
    assert sum(r.message.startswith("model loaded") for r in caplog.records) == 1
