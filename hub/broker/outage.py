"""Whether Redis answers, shared by every part of one process that uses it.

The broker, the send limiter and presence each keep working without Redis (see their
modules): the broker delivers to this process only, the limiter counts per process,
presence answers from this process's connections. They report each failure and each
answer here, so the log says once that Redis went away and once that it came back, rather
than a traceback per request, and /readyz can say the broker is degraded.
See docs/operations.md.
"""

from __future__ import annotations

import logging
import time

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

log = logging.getLogger(__name__)

# What "Redis is away" looks like to a client; anything else from Redis is a bug and raises.
UNREACHABLE = (aioredis.ConnectionError, aioredis.TimeoutError, OSError)
# While Redis is away, each part tries it again at most this often.
RETRY_SECONDS = 1.0


def redis_client(url: str, *, decode_responses: bool = False) -> aioredis.Redis:
    """A client that fails fast when Redis is away: one immediate retry (a pooled connection
    that died with a Redis restart), a short connect timeout, no backoff stalling a send."""
    return aioredis.Redis.from_url(
        url,
        decode_responses=decode_responses,
        socket_connect_timeout=1.0,
        retry=Retry(NoBackoff(), retries=1),
    )


class RedisHealth:
    def __init__(self) -> None:
        self.error: str | None = None
        self._since = 0.0
        self._last_try = 0.0

    @property
    def down(self) -> bool:
        return self.error is not None

    def worth_trying(self) -> bool:
        """True while Redis answers; while it is away, once every RETRY_SECONDS."""
        if self.error is None:
            return True
        now = time.monotonic()
        if now - self._last_try >= RETRY_SECONDS:
            self._last_try = now
            return True
        return False

    def failed(self, error: BaseException) -> None:
        if self.error is None:
            self._since = self._last_try = time.monotonic()
            log.warning(
                "Redis is unreachable (%s: %s). Messages are still accepted and stored; "
                "until Redis answers, send limits count per process and other processes "
                "catch up from the channel log. Check the Redis server named by HUB_REDIS_URL.",
                type(error).__name__,
                error,
            )
        self.error = type(error).__name__

    def answered(self) -> None:
        if self.error is not None:
            self.error = None
            # A warning, like the one it ends: the hub's own INFO lines are not shown by default.
            log.warning(
                "Redis answers again after %.1f s: shared send limits and delivery to other "
                "processes resumed.",
                time.monotonic() - self._since,
            )
