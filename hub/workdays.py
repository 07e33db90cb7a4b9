"""Working days: the official Chinese calendar by default, another country's by setting.

China moves working days around public holidays (调休): a Saturday can be a working day
and a Wednesday a holiday, so "3 working days" cannot be counted from weekdays alone. The
`chinese-calendar` library carries the State Council's published arrangement; for another
country `holidays` gives its public holidays on top of Monday to Friday. A company's own
days off and extra working days (config `company_days_off`, `company_workdays`) override
both. Bots reach this through `ctx.workdays`, `ctx.add_workdays` and `ctx.is_workday`
(docs/bots.md, "Org chart and working days").
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, TypeVar

import chinese_calendar
import holidays

log = logging.getLogger(__name__)
Day = TypeVar("Day", date, datetime)
_warned_years: set[int] = set()


@dataclass(frozen=True)
class WorkCalendar:
    """`country` "CN" (the default) uses the official arrangement with its adjusted days."""

    country: str = "CN"
    days_off: frozenset[date] = field(default_factory=frozenset)
    extra_workdays: frozenset[date] = field(default_factory=frozenset)

    def is_workday(self, day: date | datetime) -> bool:
        day = day.date() if isinstance(day, datetime) else day
        if day in self.days_off:
            return False
        if day in self.extra_workdays:
            return True
        if self.country == "CN":
            return _chinese_workday(day)
        return day.weekday() < 5 and day not in _country_holidays(self.country, day.year)

    def workdays(self, start: date | datetime, end: date | datetime) -> int:
        """Working days in [start, end): from a Monday to the next Monday is 5 in a plain
        week. Negative when end is before start."""
        first, last = _day(start), _day(end)
        if last < first:
            return -self.workdays(last, first)
        return sum(1 for n in range((last - first).days) if self.is_workday(first + timedelta(n)))

    def add_workdays(self, start: Day, n: int) -> Day:
        """The moment `n` working days after `start` (before it, for a negative `n`), at the
        same time of day: a request sent on Friday 17:00 before 国庆 is due 3 working days
        later, after the holiday. `n == 0` rolls a day off forward to the next working day."""
        step = 1 if n >= 0 else -1
        moment = start
        if n == 0:
            while not self.is_workday(moment):
                moment += timedelta(days=1)
            return moment
        left = abs(n)
        while left:
            moment += timedelta(days=step)
            if self.is_workday(moment):
                left -= 1
        return moment


def calendar_from_settings(
    country: str, days_off: Iterable[date], extra_workdays: Iterable[date]
) -> WorkCalendar:
    country = country.upper()
    if country != "CN":
        try:
            _country_holidays(country, date.today().year)
        except NotImplementedError:
            raise ValueError(
                f"workdays_country {country!r} is not a country the holidays library knows;"
                ' use an ISO code such as "CN", "US", "DE" or "SG".'
            ) from None
    return WorkCalendar(country, frozenset(days_off), frozenset(extra_workdays))


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _chinese_workday(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        # The library knows the years the State Council has published. Beyond them, count
        # Monday to Friday, and say once per year what to do about it.
        if day.year not in _warned_years:
            _warned_years.add(day.year)
            log.warning(
                "the Chinese calendar for %s is not published in chinese-calendar %s yet: "
                "counting Monday to Friday; upgrade chinese-calendar, or list the days in "
                "company_days_off and company_workdays",
                day.year,
                chinese_calendar.__version__,
            )
        return day.weekday() < 5


@lru_cache(maxsize=64)
def _country_holidays(country: str, year: int) -> Any:
    return holidays.country_holidays(country, years=year)
