"""Token-bucket limits on sends, per person: in memory for one process, in Redis for several.

Sign-in limits live in hub.auth.signin (rows in the database, so every process counts
the same failures). Send limits sit on the hot path, so with Redis each check is one
round trip running a small Lua script that refills and takes a token atomically. While
Redis is away (hub.broker.outage) the same rate is counted in this process instead, so
sends go on; the shared count resumes when Redis answers.
"""

from __future__ import annotations

import time
from typing import Protocol

import redis.asyncio as aioredis

from hub.broker.outage import UNREACHABLE, RedisHealth, redis_client
from hub.errors import ErrorCode, HubError


class SendLimiter(Protocol):
    async def check(self, person_id: int) -> None:
        """Take one token for `person_id`, or raise rate_limited saying how long to wait."""

    async def close(self) -> None: ...


def _refused(rate: float, wait: float) -> HubError:
    return HubError(
        ErrorCode.rate_limited,
        f"You are sending faster than {rate:g} messages a second; wait {wait:.1f} s and resend.",
        headers={"Retry-After": str(max(1, round(wait)))},
        details={"retry_after_seconds": round(wait, 2)},
    )


class RateLimiter:
    """In-process buckets: right for a single hub process."""

    def __init__(self, rate_per_second: float, burst: int) -> None:
        self._rate = rate_per_second
        self._burst = float(burst)
        self._buckets: dict[int, tuple[float, float]] = {}

    async def check(self, person_id: int) -> None:
        now = time.monotonic()
        tokens, last = self._buckets.get(person_id, (self._burst, now))
        tokens = min(self._burst, tokens + (now - last) * self._rate)
        if tokens < 1.0:
            self._buckets[person_id] = (tokens, now)
            raise _refused(self._rate, (1.0 - tokens) / self._rate)
        self._buckets[person_id] = (tokens - 1.0, now)

    async def close(self) -> None:
        self._buckets.clear()


# KEYS[1] bucket; ARGV rate, burst, now (seconds). Returns 0 when allowed, else the wait
# in milliseconds. Redis's own clock is not used so the script stays deterministic.
_TAKE_TOKEN = """
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local rate, burst, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tokens = tonumber(bucket[1]) or burst
local at = tonumber(bucket[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens < 1 then
  wait = math.ceil((1 - tokens) / rate * 1000)
else
  tokens = tokens - 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 1)
return wait
"""


class RedisRateLimiter:
    """Buckets shared by every hub process, so a client cannot multiply its rate by connecting twice."""

    def __init__(self, url: str, rate_per_second: float, burst: int, health: RedisHealth) -> None:
        self._client: aioredis.Redis = redis_client(url)
        self._rate = rate_per_second
        self._burst = burst
        self._script = self._client.register_script(_TAKE_TOKEN)
        self._health = health
        self._meanwhile = RateLimiter(rate_per_second, burst)

    async def check(self, person_id: int) -> None:
        if self._health.worth_trying():
            try:
                wait_ms = int(
                    await self._script(
                        keys=[f"hub:rate:send:{person_id}"],
                        args=[self._rate, self._burst, time.time()],
                    )
                )
            except UNREACHABLE as error:
                self._health.failed(error)
            else:
                self._health.answered()
                if wait_ms > 0:
                    raise _refused(self._rate, wait_ms / 1000)
                return
        await self._meanwhile.check(person_id)

    async def close(self) -> None:
        await self._client.aclose()


def create_send_limiter(
    redis_url: str | None, rate_per_second: float, burst: int, health: RedisHealth
) -> SendLimiter:
    """`health` is the one the broker reports to (hub.app), so the log speaks once."""
    if redis_url:
        return RedisRateLimiter(redis_url, rate_per_second, burst, health)
    return RateLimiter(rate_per_second, burst)
