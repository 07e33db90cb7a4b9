"""Cron times: crontab weekday numbers, Beijing time without DST, strictly-after, clear refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hub.errors import ErrorCode, HubError
from hub.timers import check_cron, next_fire_after

SHANGHAI = ZoneInfo("Asia/Shanghai")


def beijing(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def test_weekday_morning_from_friday_is_monday_0100_utc() -> None:
    friday_10 = beijing(2026, 3, 6, 10, 0)
    assert next_fire_after("0 9 * * 1-5", "Asia/Shanghai", friday_10) == datetime(
        2026, 3, 9, 1, 0, tzinfo=UTC
    )


def test_weekday_morning_before_nine_is_the_same_day() -> None:
    monday_0859 = beijing(2026, 3, 9, 8, 59)
    assert next_fire_after("0 9 * * 1-5", "Asia/Shanghai", monday_0859) == datetime(
        2026, 3, 9, 1, 0, tzinfo=UTC
    )


def test_next_fire_is_strictly_after() -> None:
    monday_0900 = datetime(2026, 3, 9, 1, 0, tzinfo=UTC)
    assert next_fire_after("0 9 * * 1-5", "Asia/Shanghai", monday_0900) == monday_0900 + timedelta(
        days=1
    )


@pytest.mark.parametrize("day_of_week", ["0", "7", "sun", "SUN"])
def test_sunday_is_zero_or_seven_as_in_crontab(day_of_week: str) -> None:
    friday = beijing(2026, 3, 6, 10, 0)
    fire = next_fire_after(f"0 9 * * {day_of_week}", "Asia/Shanghai", friday)
    assert fire is not None and fire.astimezone(SHANGHAI).strftime("%a %H:%M") == "Sun 09:00"


def test_day_of_week_steps_and_lists_count_from_sunday() -> None:
    start = beijing(2026, 3, 1, 10, 0)  # a Sunday, after 09:00
    days = []
    for _ in range(4):
        fire = next_fire_after("0 9 * * */2", "Asia/Shanghai", start)
        assert fire is not None
        days.append(fire.astimezone(SHANGHAI).strftime("%a"))
        start = fire
    assert days == ["Tue", "Thu", "Sat", "Sun"]
    fire = next_fire_after("30 18 * * mon,5", "Asia/Shanghai", beijing(2026, 3, 3, 0, 0))
    assert fire == datetime(2026, 3, 6, 10, 30, tzinfo=UTC)  # Friday 18:30 Beijing


def test_beijing_time_has_no_dst_across_other_zones_changes() -> None:
    # US clocks change 8 March 2026, EU clocks 29 March and 25 October, US 1 November:
    # 09:00 in Beijing stays 01:00 UTC on every one of those days.
    for day in [
        (2026, 3, 7),
        (2026, 3, 8),
        (2026, 3, 28),
        (2026, 3, 29),
        (2026, 10, 25),
        (2026, 11, 1),
    ]:
        before = datetime(*day, 0, 0, tzinfo=UTC)
        assert next_fire_after("0 9 * * *", "Asia/Shanghai", before) == datetime(
            *day, 1, 0, tzinfo=UTC
        )
    # ...whereas 09:00 in Berlin moves from 08:00 to 07:00 UTC when its clocks go forward.
    assert next_fire_after("0 9 * * *", "Europe/Berlin", datetime(2026, 3, 28, tzinfo=UTC)) == (
        datetime(2026, 3, 28, 8, 0, tzinfo=UTC)
    )
    assert next_fire_after("0 9 * * *", "Europe/Berlin", datetime(2026, 3, 29, tzinfo=UTC)) == (
        datetime(2026, 3, 29, 7, 0, tzinfo=UTC)
    )


def test_month_end_and_named_months() -> None:
    fire = next_fire_after("0 0 31 jan,mar *", "UTC", datetime(2026, 2, 1, tzinfo=UTC))
    assert fire == datetime(2026, 3, 31, tzinfo=UTC)


@pytest.mark.parametrize(
    ("expr", "says"),
    [
        ("0 9 * *", "has 4 fields"),
        ("61 9 * * *", "'61 9 * * *'"),
        ("0 9 * * 8", "out of range 0-7"),
        ("0 9 * * funday", 'unknown weekday name "funday"'),
        ("0 9 * * 5-1", "runs backwards"),
        ("0 9 1 * 1", "restricts both day-of-month and day-of-week"),
        ("0 0 31 2 *", "never matches a real date"),
    ],
)
def test_invalid_cron_is_refused_with_a_clear_message(expr: str, says: str) -> None:
    with pytest.raises(HubError) as caught:
        check_cron(expr)
    assert caught.value.code == ErrorCode.validation_failed
    assert says in caught.value.message
    assert "minute hour day-of-month month day-of-week" in caught.value.message


def test_unknown_time_zone_is_refused() -> None:
    with pytest.raises(HubError) as caught:
        check_cron("0 9 * * *", "Asia/Beijing")
    assert caught.value.code == ErrorCode.validation_failed
    assert "Unknown time zone 'Asia/Beijing'" in caught.value.message


def test_naive_start_is_refused() -> None:
    with pytest.raises(ValueError, match="aware datetime"):
        next_fire_after("0 9 * * *", "Asia/Shanghai", datetime(2026, 3, 2, 9, 0))
