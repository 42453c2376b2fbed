"""No openid reaches a log line in clear: a keyed hash stands in for it, the same in every line."""

from __future__ import annotations

import logging
import sys

import pytest
from sqlalchemy import text

from bot.config import config_from_dict
from bot.logs import Pseudonyms, log_key
from storage.db import make_engine

OPENID = "oLVPpjqs9BhvzwPj5A-vTYAX3GLc"  # the shape of a real one: 28 characters


def _format(formatter: logging.Formatter, msg: str, *args: object, exc: bool = False) -> str:
    record = logging.LogRecord("louwu.test", logging.WARNING, __file__, 1, msg, args, None)
    if exc:
        try:
            raise ValueError(f"no such user {OPENID}")
        except ValueError:
            record.exc_info = sys.exc_info()
    return formatter.format(record)


def test_an_openid_in_a_message_or_a_traceback_is_replaced_by_a_stable_pseudonym() -> None:
    formatter = Pseudonyms(b"key")
    line = _format(formatter, "outbox 7 to %s failed", OPENID, exc=True)
    assert OPENID not in line
    assert line.count(formatter.pseudonym(OPENID)) == 2


def test_the_pseudonym_depends_on_the_deployment_secret() -> None:
    one = log_key(config_from_dict({"wechat": {"app_secret": "a"}}))
    other = log_key(config_from_dict({"wechat": {"app_secret": "b"}}))
    assert Pseudonyms(one).pseudonym(OPENID) != Pseudonyms(other).pseudonym(OPENID)


def test_words_that_only_look_alike_are_left_alone() -> None:
    line = _format(Pseudonyms(b"key"), "o_alice and oneverylongwordthatisnotanopenid12345 stay")
    assert "o_alice" in line and "oneverylongwordthatisnotanopenid12345" in line


async def test_a_failed_statement_does_not_carry_its_parameters_into_the_error(tmp_path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path}/x.db")
    with pytest.raises(Exception) as failure:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT * FROM reporters WHERE openid = :o"), {"o": OPENID})
    await engine.dispose()
    assert OPENID not in str(failure.value)
