"""Token-bucket rate limits for sends, per person and per process.

Sign-in limits live in hub.auth.signin (they must hold across processes, so they are rows
in the database); send limits protect one process from one client and need no round trip.
"""

from __future__ import annotations

import time

from hub.errors import ErrorCode, HubError


class RateLimiter:
    def __init__(self, rate_per_second: float, burst: int) -> None:
        self._rate = rate_per_second
        self._burst = float(burst)
        self._buckets: dict[int, tuple[float, float]] = {}

    def check(self, key: int) -> None:
        now = time.monotonic()
        tokens, last = self._buckets.get(key, (self._burst, now))
        tokens = min(self._burst, tokens + (now - last) * self._rate)
        if tokens < 1.0:
            wait = (1.0 - tokens) / self._rate
            self._buckets[key] = (tokens, now)
            raise HubError(
                ErrorCode.rate_limited,
                f"You are sending faster than {self._rate:g} messages a second; wait {wait:.1f} s and resend.",
                headers={"Retry-After": str(max(1, round(wait)))},
                details={"retry_after_seconds": round(wait, 2)},
            )
        self._buckets[key] = (tokens - 1.0, now)
