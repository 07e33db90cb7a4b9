"""When a recurring timer fires next: 5-field crontab expressions evaluated in an IANA time zone.

APScheduler's CronTrigger does the calendar arithmetic (month lengths, DST gaps). Two
places where APScheduler 3.x differs from crontab are fixed here, because bot authors
write crontab: day-of-week numbers (APScheduler 3 counts 0 as Monday, crontab as
Sunday, so "1-5" would silently mean Tuesday to Saturday) and a restricted
day-of-month together with a restricted day-of-week (crontab fires when either
matches, APScheduler when both do; we refuse it rather than guess). See docs/timers.md.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]

from hub.errors import ErrorCode, HubError

DEFAULT_TIME_ZONE = "Asia/Shanghai"

_CRON_HELP = (
    "use 5 fields: minute hour day-of-month month day-of-week, "
    "e.g. '0 9 * * 1-5' for 09:00 on weekdays"
)
# crontab numbers Sunday 0 (and 7); APScheduler 3 names are unambiguous, so we emit names.
_CRONTAB_DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
_APSCHEDULER_ORDER = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_DAY_ITEM = re.compile(r"^(?P<first>\*|[a-z]+|\d+)(?:-(?P<last>[a-z]+|\d+))?(?:/(?P<step>\d+))?$")


def check_time_zone(name: str) -> ZoneInfo:
    """The zone named `name`, or a validation error that says what a zone name looks like."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise HubError(
            ErrorCode.validation_failed,
            f"Unknown time zone {name!r}: use an IANA name such as 'Asia/Shanghai' or 'UTC'.",
        ) from None


def check_cron(expr: str, time_zone: str = DEFAULT_TIME_ZONE) -> CronTrigger:
    """Parse and validate a crontab expression; raises HubError(validation_failed) if it is wrong."""
    return _trigger(expr.strip(), time_zone)


def next_fire_after(expr: str, time_zone: str, after: datetime) -> datetime | None:
    """The first time strictly after `after` that `expr` matches in `time_zone`, in UTC.

    None if the expression can never match again (it is validated not to, at scheduling).
    """
    if after.tzinfo is None:
        raise ValueError("next_fire_after needs an aware datetime: use hub.models.utcnow()")
    trigger = _trigger(expr.strip(), time_zone)
    # APScheduler rounds `now` up to the whole second and may return `now` itself; one
    # microsecond later makes the answer strictly after, so a timer that just fired at
    # 09:00:00 is not due again at 09:00:00.
    start = (after + timedelta(microseconds=1)).astimezone(trigger.timezone)
    fire_at: datetime | None = trigger.get_next_fire_time(None, start)
    return None if fire_at is None else fire_at.astimezone(UTC)


@lru_cache(maxsize=512)
def _trigger(expr: str, time_zone: str) -> CronTrigger:
    zone = check_time_zone(time_zone)
    fields = expr.split()
    if len(fields) != 5:
        raise _invalid(expr, f"it has {len(fields)} fields")
    minute, hour, day, month, day_of_week = fields
    if not day.startswith("*") and not day_of_week.startswith("*"):
        raise _invalid(
            expr,
            "it restricts both day-of-month and day-of-week (crontab would fire on either); "
            "restrict one of them, or schedule two timers",
        )
    try:
        days = _crontab_days_to_apscheduler(day_of_week)
        trigger = CronTrigger(
            minute=minute, hour=hour, day=day, month=month, day_of_week=days, timezone=zone
        )
    except ValueError as error:
        raise _invalid(expr, str(error)) from None
    if trigger.get_next_fire_time(None, datetime.now(UTC).astimezone(zone)) is None:
        raise _invalid(expr, "it never matches a real date")
    return trigger


def _crontab_days_to_apscheduler(field: str) -> str:
    """Rewrite crontab day-of-week (0 or 7 = Sunday, names, ranges, steps) as APScheduler names."""
    if field == "*":
        return field
    chosen: set[int] = set()
    for item in field.lower().split(","):
        match = _DAY_ITEM.match(item)
        if match is None:
            raise ValueError(f'unrecognised day-of-week "{item}"')
        first_text, last_text, step_text = match.group("first", "last", "step")
        step = int(step_text) if step_text else 1
        if step < 1:
            raise ValueError(f'day-of-week step must be at least 1 in "{item}"')
        if first_text == "*":
            if last_text is not None:
                raise ValueError(f'unrecognised day-of-week "{item}"')
            first, last = 0, 6
        else:
            first = _day_number(first_text)
            # A lone day with a step ("1/2") runs to the end of the week, as in cron.
            last = first if not step_text else 6
            if last_text is not None:
                last = _day_number(last_text)
        if first > last:
            raise ValueError(f'day-of-week range "{item}" runs backwards')
        chosen.update(day % 7 for day in range(first, last + 1, step))
    return ",".join(name for name in _APSCHEDULER_ORDER if _CRONTAB_DAYS.index(name) in chosen)


def _day_number(text: str) -> int:
    if text.isdigit():
        number = int(text)
        if number > 7:
            raise ValueError(f"day-of-week {number} is out of range 0-7 (0 and 7 are Sunday)")
        return number
    if text in _CRONTAB_DAYS:
        return _CRONTAB_DAYS.index(text)
    raise ValueError(f'unknown weekday name "{text}" (use sun, mon, tue, wed, thu, fri, sat)')


def _invalid(expr: str, reason: str) -> HubError:
    return HubError(
        ErrorCode.validation_failed, f"Invalid cron expression {expr!r}: {reason}; {_CRON_HELP}."
    )
