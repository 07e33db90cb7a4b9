"""A clock a test moves by hand, for what bots see as now and when their timers come due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class ControlledClock:
    """Stands still until `advance`; called like `hub.models.utcnow`."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ControlledClock needs an aware start, e.g. datetime(..., tzinfo=UTC)")
        self._now = start.astimezone(UTC)

    def __call__(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("The clock only moves forward: timers that fired stay fired.")
        self._now += delta
        return self._now

    def set(self, moment: datetime) -> datetime:
        return self.advance(moment.astimezone(UTC) - self._now)
