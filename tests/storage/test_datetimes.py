"""Times are stored as UTC instants; on SQLite as the text SQLAlchemy's DATETIME writes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.dialects import sqlite

from storage.models.base import UTCDateTime, sqlite_text

SHANGHAI = ZoneInfo("Asia/Shanghai")
TIMES = [
    dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.UTC),
    dt.datetime(2026, 12, 2, 8, 0, 0, 123, tzinfo=dt.UTC),
    dt.datetime(2026, 12, 2, 16, 30, 5, 999_999, tzinfo=SHANGHAI),
    dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.UTC),
]


@pytest.mark.parametrize("when", TIMES, ids=str)
def test_the_one_step_sqlite_text_is_what_sqlalchemy_writes(when):
    dialect = sqlite.dialect()
    in_utc = UTCDateTime().process_bind_param(when, dialect)
    assert sqlite_text(when) == sqlite.DATETIME().bind_processor(dialect)(in_utc)
    assert UTCDateTime().dialect_impl(dialect).bind_processor(dialect) is sqlite_text


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="naive"):
        sqlite_text(dt.datetime(2026, 12, 2, 8, 0))  # noqa: DTZ001 - the mistake under test
