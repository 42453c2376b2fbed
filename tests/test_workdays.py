"""Working days from chinese-calendar and the admins' holidays file: weekends and holidays off,
make-up days on."""

from __future__ import annotations

import datetime as dt

import pytest

from handlers.texts import LOCAL_TZ
from handlers.workdays import TEMPLATE, HolidaysError, coverage_warning, parse_holidays, published, say_date

CHINA = published()


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), LOCAL_TZ)


def test_an_ordinary_week_skips_the_weekend() -> None:
    assert CHINA.add_workdays(dt.date(2026, 11, 2), 7) == dt.date(2026, 11, 11)


def test_national_day_is_off_and_its_saturday_make_up_day_counts() -> None:
    # 10-01..10-07 off; 10-08 Thu, 10-09 Fri, 10-10 Sat (调休上班), 10-12 .. 10-15
    assert CHINA.add_workdays(dt.date(2026, 9, 30), 7) == dt.date(2026, 10, 15)
    assert CHINA.is_workday(dt.date(2026, 10, 10)) and not CHINA.is_workday(dt.date(2026, 10, 5))


def test_a_deadline_ends_with_its_last_working_day_in_shanghai() -> None:
    due = CHINA.due(at("2026-11-02"), 7)
    assert due == dt.datetime(2026, 11, 12, tzinfo=LOCAL_TZ) and say_date(due) == "11月11日"


def test_a_year_nothing_describes_counts_weekends_only_and_is_warned_of_twelve_months_ahead() -> None:
    assert CHINA.add_workdays(dt.date(2027, 1, 4), 5) == dt.date(2027, 1, 11)
    warning = coverage_warning(CHINA, dt.date(2026, 2, 1))
    assert "2027" in warning and "chinese-calendar" in warning
    assert coverage_warning(CHINA, dt.date(2025, 6, 1)) == ""


def test_the_admins_file_covers_a_year_the_package_does_not_yet() -> None:
    calendar = CHINA.overlaid(parse_holidays('[2027]\noff = ["2027-01-01"]\nwork = ["2027-01-09"]'))
    assert not calendar.is_workday(dt.date(2027, 1, 1)) and calendar.is_workday(dt.date(2027, 1, 9))
    assert coverage_warning(calendar, dt.date(2026, 12, 15)) == ""
    assert not calendar.is_workday(dt.date(2026, 10, 5))  # the package's years stand


def test_a_year_in_the_admins_file_replaces_that_year_of_the_package_whole() -> None:
    calendar = CHINA.overlaid(parse_holidays('[2026]\noff = ["2026-11-05"]'))
    assert not calendar.is_workday(dt.date(2026, 11, 5))
    assert calendar.is_workday(dt.date(2026, 10, 5))  # national day is not in the admins' 2026


def test_the_template_an_admin_starts_from_describes_no_year() -> None:
    assert parse_holidays(TEMPLATE.read_text(encoding="utf-8")).years == frozenset()


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('[2027]\noff = ["2027-13-01"]', "'2027-13-01' is not a date"),
        ('[2027]\noff = ["2026-10-01"]', "must lie in 2027"),
        ('[2027]\nholidays = ["2027-10-01"]', "only off and work"),
        ("[next]\noff = []", "each table is a year"),
        ('[2027]\noff = ["2027-10-01"]\nwork = ["2027-10-01"]', "both off and work"),
        ("[2027\n", "not valid TOML"),
    ],
)
def test_a_bad_holidays_file_is_refused_with_the_reason(text: str, says: str) -> None:
    with pytest.raises(HolidaysError, match=says):
        parse_holidays(text, "h.toml")
