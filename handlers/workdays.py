"""Working days: weekends and public holidays off, make-up days (调休) on, from the State Council's
schedule as the chinese-calendar package publishes it and the admins' file for the years it does
not cover yet, so that an expected date of resolution is one people can hold the committee to."""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

import chinese_calendar
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.texts import LOCAL_TZ
from storage import repos

# What an admin sees and edits before writing their own file: the format, no year of its own.
TEMPLATE = Path(__file__).with_name("data") / "holidays.toml"


class HolidaysError(ValueError):
    """A holidays file louwu cannot use; the message names the line and what to write instead."""


@dataclass(frozen=True)
class WorkCalendar:
    off: frozenset[dt.date] = frozenset()
    work: frozenset[dt.date] = frozenset()
    years: frozenset[int] = frozenset()  # the years the file describes; others count weekends only

    def overlaid(self, other: WorkCalendar) -> WorkCalendar:
        """This calendar with each year `other` describes taken from `other` instead."""
        mine = other.years.isdisjoint
        return WorkCalendar(
            frozenset(d for d in self.off if mine((d.year,))) | other.off,
            frozenset(d for d in self.work if mine((d.year,))) | other.work,
            self.years | other.years,
        )

    def is_workday(self, day: dt.date) -> bool:
        if day in self.work:
            return True
        return day.weekday() < 5 and day not in self.off

    def add_workdays(self, start: dt.date, days: int) -> dt.date:
        """The `days`-th working day after `start` (a deadline of 0 days is `start` itself)."""
        day = start
        while days > 0:
            day += dt.timedelta(days=1)
            days -= self.is_workday(day)
        return day

    def due(self, now: dt.datetime, days: int) -> dt.datetime:
        """End of the `days`-th working day after `now`, Shanghai time: the moment it is overdue."""
        return _due(self, now.astimezone(LOCAL_TZ).date(), days)


@functools.lru_cache(maxsize=256)  # every issue filed on one day in one category has the same deadline
def _due(calendar: WorkCalendar, today: dt.date, days: int) -> dt.datetime:
    last = calendar.add_workdays(today, days)
    return dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), LOCAL_TZ)


def due_date(due: dt.datetime) -> dt.date:
    """The last day of a deadline as people read it ("12月3日前办结")."""
    return (due.astimezone(LOCAL_TZ) - dt.timedelta(seconds=1)).date()


def say_date(due: dt.datetime) -> str:
    day = due_date(due)
    return f"{day.month}月{day.day}日"


@functools.lru_cache(maxsize=8)  # every process reads the same text on every acceptance
def parse_holidays(text: str, source: str = "holidays") -> WorkCalendar:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise HolidaysError(f"{source}: not valid TOML: {exc}") from None
    off: set[dt.date] = set()
    work: set[dt.date] = set()
    years: set[int] = set()
    for year, table in data.items():
        if not (year.isdigit() and len(year) == 4) or not isinstance(table, dict):
            raise HolidaysError(f"{source}: [{year}]: each table is a year, e.g. [2027] with off = [...]")
        unknown = set(table) - {"off", "work"}
        if unknown:
            raise HolidaysError(f"{source}: [{year}] {sorted(unknown)[0]}: only off and work are known")
        off |= _days(table.get("off", []), int(year), f"{source}: [{year}] off")
        work |= _days(table.get("work", []), int(year), f"{source}: [{year}] work")
        years.add(int(year))
    both = off & work
    if both:
        raise HolidaysError(f"{source}: {min(both)} is both off and work")
    return WorkCalendar(frozenset(off), frozenset(work), frozenset(years))


def _days(values: object, year: int, where: str) -> set[dt.date]:
    if not isinstance(values, list):
        raise HolidaysError(f'{where}: a list of dates, e.g. ["{year}-10-01/{year}-10-07", "{year}-10-10"]')
    days: set[dt.date] = set()
    for value in values:
        first, _, last = str(value).partition("/")
        try:
            start = dt.date.fromisoformat(first.strip())
            end = dt.date.fromisoformat(last.strip()) if last else start
        except ValueError:
            raise HolidaysError(
                f"{where}: {value!r} is not a date (YYYY-MM-DD) or range (first/last)"
            ) from None
        if start.year != year or end.year != year or end < start:
            raise HolidaysError(f"{where}: {value!r} must lie in {year}, first before last")
        days |= {start + dt.timedelta(days=i) for i in range((end - start).days + 1)}
    return days


SETTING = "holidays"
AUDIT = "holidays"


@functools.lru_cache(maxsize=1)
def published() -> WorkCalendar:
    """The State Council's schedule of every year the installed chinese-calendar package knows."""
    off = frozenset(chinese_calendar.constants.holidays)
    work = frozenset(chinese_calendar.constants.workdays)
    return WorkCalendar(off, work, frozenset(d.year for d in off | work))


def package_version() -> str:
    return str(getattr(chinese_calendar, "__version__", "?"))


@functools.lru_cache(maxsize=1)
def _template_text() -> str:
    return TEMPLATE.read_text(encoding="utf-8")


async def text_of(session: AsyncSession) -> str:
    """The admins' holidays file, else the template that shows how to write one."""
    return await repos.shared.setting(session, SETTING) or _template_text()


async def current(session: AsyncSession) -> WorkCalendar:
    """The calendar in force, read once per transaction (an admin's edit counts from the next)."""
    found = session.info.get(SETTING)
    if found is None:
        found = session.info[SETTING] = _in_force(await text_of(session))
    return found


@functools.lru_cache(maxsize=8)
def _in_force(text: str) -> WorkCalendar:
    return published().overlaid(parse_holidays(text))


async def save(session: AsyncSession, text: str, actor: str, now: dt.datetime, source: str) -> WorkCalendar:
    """Check and store a new holidays file, audited; HolidaysError names what is wrong."""
    calendar = parse_holidays(text, source)
    before = await text_of(session)
    await repos.shared.put_setting(session, SETTING, text)
    repos.rules.add_audit(session, AUDIT, actor, "import", before, text, now)
    session.info.pop(SETTING, None)
    return calendar


AHEAD = dt.timedelta(days=365)  # deadlines are weeks away; a year gives admins time to act


def coverage_warning(calendar: WorkCalendar, today: dt.date, ahead: dt.timedelta = AHEAD) -> str:
    """'' when the calendar describes every year up to `ahead` from today; else what to do."""
    missing = sorted({y for y in (today.year, (today + ahead).year) if y not in calendar.years})
    if not missing:
        return ""
    years = "、".join(str(y) for y in missing)
    return (
        f"节假日安排没有 {years} 年：这些年份只按周末计算工作日。国务院公布后，升级 chinese-calendar"
        f"（现为 {package_version()}），或在节假日文件里补上这一年。"
    )
