"""The webhook sender: a background loop that POSTs due deliveries, signed, and schedules retries.

Every pass runs the channel-log tailer, then claims due deliveries with one conditional
UPDATE that pushes their `next_attempt_at` forward by a lease: a delivery is claimed by
exactly one process, and if that process dies mid-send the lease runs out and another
sends it again (delivery is at least once; receivers dedupe on `webhook-id`). Each
attempt is signed afresh (Standard Webhooks: a new timestamp, the same id and bytes),
logged in `webhook_attempt`, and on failure rescheduled per `webhook_retry_seconds`.
The secret and the signature are never logged. See docs/integrations.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from standardwebhooks import Webhook

from hub.config import Settings
from hub.integrations import outgoing
from hub.integrations.models import (
    outgoing_webhook_table,
    webhook_attempt_table,
    webhook_delivery_table,
)
from hub.integrations.tailer import tail_channel_logs, watched_cursors
from hub.models import utcnow
from hub.wire.server import LoggedEvent

log = logging.getLogger(__name__)
USER_AGENT = "hub-webhooks/1"
CLAIM_BATCH = 32
PARALLEL_SENDS = 16
ERROR_MAX = 500
TAIL_ROUNDS = 20  # a backlog beyond this many batches waits for the next pass


@dataclass
class _Claimed:
    id: str
    webhook_id: int
    payload: str
    attempts: int
    lease_until: datetime


@dataclass
class _Result:
    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class WebhookSender:
    def __init__(self, settings: Settings, engine: AsyncEngine) -> None:
        self._settings = settings
        self._engine = engine
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._client: httpx.AsyncClient | None = None
        self._watched: set[int] = set()
        self._in_flight: dict[str, _Claimed] = {}
        self._parallel = asyncio.Semaphore(PARALLEL_SENDS)
        # Long enough for the request to time out and its result to be written.
        self._lease = timedelta(seconds=settings.webhook_timeout_seconds + 30)

    async def start(self) -> None:
        self._client = httpx.AsyncClient(
            timeout=self._settings.webhook_timeout_seconds,
            follow_redirects=False,
            headers={"user-agent": USER_AGENT},
        )
        outgoing._wakers.append(self.wake)
        self._task = asyncio.create_task(self._run(), name="webhook-sender")

    async def stop(self) -> None:
        if self.wake in outgoing._wakers:
            outgoing._wakers.remove(self.wake)
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        await self._release_in_flight()
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def wake(self) -> None:
        """Run a pass now instead of at the next poll."""
        self._wake.set()

    async def on_committed(self, events: list[LoggedEvent]) -> None:
        """A subscriber of the event bus: wake up if a watched channel got a message (a set
        lookup per event)."""
        for event in events:
            if event.type == outgoing.MESSAGE_EVENT and event.channel_id in self._watched:
                self._wake.set()
                return

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                await self.run_once()
            except Exception:  # the loop must outlive any one pass (a database hiccup)
                log.exception("webhook pass failed; retrying at the next poll")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._settings.webhook_poll_seconds)

    async def run_once(self) -> None:
        """Tail the watched channels, then send everything due, batch after batch."""
        for _ in range(TAIL_ROUNDS):
            cursors = await watched_cursors(self._engine)
            self._watched = {cursor.channel_id for cursor in cursors}
            if not cursors:
                break
            _, more = await tail_channel_logs(self._engine, cursors)
            if not more:
                break
        while True:
            claimed = await self._claim()
            if not claimed:
                return
            results = await asyncio.gather(
                *(self._deliver_limited(item) for item in claimed), return_exceptions=True
            )
            for result in results:
                if isinstance(result, Exception):
                    log.error("webhook delivery failed to run", exc_info=result)

    async def _claim(self) -> list[_Claimed]:
        d = webhook_delivery_table
        now = utcnow()
        lease_until = now + self._lease
        async with self._engine.connect() as conn:
            due = list(
                (
                    await conn.execute(
                        sa.select(d.c.id)
                        .where(d.c.status == "pending", d.c.next_attempt_at <= now)
                        .order_by(d.c.next_attempt_at)
                        .limit(CLAIM_BATCH)
                    )
                ).scalars()
            )
        if not due:
            return []
        async with self._engine.begin() as conn:
            rows = await conn.execute(
                sa.update(d)
                .where(d.c.id.in_(due), d.c.status == "pending", d.c.next_attempt_at <= now)
                .values(next_attempt_at=lease_until)
                .returning(d.c.id, d.c.webhook_id, d.c.payload, d.c.attempts)
            )
            claimed = [
                _Claimed(r.id, r.webhook_id, r.payload, r.attempts, lease_until) for r in rows
            ]
        for item in claimed:
            self._in_flight[item.id] = item
        return claimed

    async def _deliver_limited(self, item: _Claimed) -> None:
        async with self._parallel:
            await self._deliver(item)

    async def _deliver(self, item: _Claimed) -> None:
        try:
            await self._attempt(item)
        except asyncio.CancelledError:
            raise  # shutdown: stays in flight for _release_in_flight
        except BaseException:
            self._in_flight.pop(item.id, None)
            raise
        self._in_flight.pop(item.id, None)

    async def _attempt(self, item: _Claimed) -> None:
        w = outgoing_webhook_table
        async with self._engine.connect() as conn:
            hook = (
                await conn.execute(
                    sa.select(w.c.url, w.c.secret, w.c.active).where(w.c.id == item.webhook_id)
                )
            ).first()
        if hook is None or not hook.active:
            await self._record(item, _Result(None, "webhook deleted", 0), give_up=True)
            return
        await self._record(item, await self._post(item, hook.url, hook.secret))

    async def _post(self, item: _Claimed, url: str, secret: str) -> _Result:
        assert self._client is not None, "WebhookSender.start() was not called"
        now = utcnow()
        headers = {
            "webhook-id": item.id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": Webhook(secret).sign(item.id, now, item.payload),
            "content-type": "application/json",
        }
        started = time.monotonic()
        try:
            response = await self._client.post(url, content=item.payload.encode(), headers=headers)
            error = None if 200 <= response.status_code < 300 else f"HTTP {response.status_code}"
            status: int | None = response.status_code
        except httpx.TimeoutException:
            status, error = None, f"timed out after {self._settings.webhook_timeout_seconds:g}s"
        except httpx.HTTPError as exc:
            status, error = None, f"{type(exc).__name__}: {exc}"
        duration = int((time.monotonic() - started) * 1000)
        return _Result(status, error[:ERROR_MAX] if error else None, duration)

    async def _record(self, item: _Claimed, result: _Result, *, give_up: bool = False) -> None:
        """Write the attempt and what comes next: delivered, another try later, or failed."""
        number = item.attempts + 1
        delays = self._settings.webhook_retry_seconds
        now = utcnow()
        values: dict[str, Any] = {
            "attempts": number,
            "last_status_code": result.status_code,
            "last_error": result.error,
        }
        if result.ok:
            values.update(status="delivered", delivered_at=now, next_attempt_at=None)
        elif not give_up and number <= len(delays):
            values.update(next_attempt_at=now + timedelta(seconds=delays[number - 1]))
        else:
            values.update(status="failed", next_attempt_at=None)
        d = webhook_delivery_table
        async with self._engine.begin() as conn:
            updated = await conn.execute(
                sa.update(d)
                .where(
                    d.c.id == item.id,
                    d.c.status == "pending",
                    d.c.next_attempt_at == item.lease_until,
                )
                .values(**values)
            )
            if updated.rowcount != 1:
                # The lease ran out and another process took the delivery (or the webhook
                # was deleted meanwhile); its own attempt is the one to record.
                log.warning("delivery %s: lease lost; this attempt is not recorded", item.id)
                return
            await conn.execute(
                sa.insert(webhook_attempt_table).values(
                    delivery_id=item.id,
                    attempt=number,
                    at=now,
                    status_code=result.status_code,
                    error=result.error,
                    duration_ms=result.duration_ms,
                )
            )
        if not result.ok:
            log.info(
                "webhook %d delivery %s attempt %d failed: %s (%s)",
                item.webhook_id,
                item.id,
                number,
                result.error,
                values.get("status", "will retry"),
            )

    async def _release_in_flight(self) -> None:
        """At shutdown, hand back claims whose sends were cut short, so a restart retries them now."""
        if not self._in_flight:
            return
        d = webhook_delivery_table
        try:
            async with self._engine.begin() as conn:
                for item in list(self._in_flight.values()):
                    await conn.execute(
                        sa.update(d)
                        .where(
                            d.c.id == item.id,
                            d.c.status == "pending",
                            d.c.next_attempt_at == item.lease_until,
                        )
                        .values(next_attempt_at=utcnow())
                    )
        except Exception:  # shutdown goes on; the lease will run out instead
            log.warning("could not release in-flight webhook deliveries", exc_info=True)
        self._in_flight.clear()
