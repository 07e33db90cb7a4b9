"""Working days on the official Chinese calendar, another country's, and a company's own days."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta, timezone

import pytest

from hub.workdays import WorkCalendar, calendar_from_settings

CN = WorkCalendar()
SHANGHAI = timezone(timedelta(hours=8))


def test_adjusted_saturdays_work_and_national_day_does_not() -> None:
    assert CN.is_workday(date(2025, 9, 28))  # a Sunday worked for 国庆 2025 (调休)
    assert CN.is_workday(date(2025, 10, 11))  # and a Saturday
    assert not any(CN.is_workday(date(2025, 10, d)) for d in range(1, 9))
    assert not CN.is_workday(date(2025, 9, 27))  # an ordinary Saturday


def test_counting_and_adding_working_days_across_a_holiday() -> None:
    # Tuesday 30 September 2025 at 17:00, three working days later: past 国庆 (1-8 October).
    sent = datetime(2025, 9, 30, 17, 0, tzinfo=SHANGHAI)
    due = CN.add_workdays(sent, 3)
    assert due == datetime(2025, 10, 11, 17, 0, tzinfo=SHANGHAI)  # Thu 9, Fri 10, Sat 11 (调休)
    assert CN.workdays(sent, due) == 3
    assert CN.workdays(due, sent) == -3
    assert CN.add_workdays(due, -3) == sent
    assert CN.add_workdays(date(2025, 10, 4), 0) == date(2025, 10, 9)
    # A plain week: Monday to the next Monday.
    assert CN.workdays(date(2025, 11, 3), date(2025, 11, 10)) == 5


def test_another_country_and_the_company_days() -> None:
    us = calendar_from_settings("us", [date(2026, 12, 24)], [date(2026, 12, 26)])
    assert not us.is_workday(date(2026, 12, 25))  # Christmas
    assert not us.is_workday(date(2026, 12, 24))  # the company's day off
    assert us.is_workday(date(2026, 12, 26))  # a Saturday the company works
    assert CN.is_workday(date(2026, 12, 25))
    with pytest.raises(ValueError, match="ISO code"):
        calendar_from_settings("XX", [], [])


def test_years_the_calendar_has_not_published_count_weekdays_and_say_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        assert CN.is_workday(date(2099, 6, 1)) and not CN.is_workday(date(2099, 6, 6))
        CN.is_workday(date(2099, 6, 2))
    warnings = [r for r in caplog.records if "2099" in r.getMessage()]
    assert len(warnings) == 1 and "upgrade chinese-calendar" in warnings[0].getMessage()
