"""The per-process timer runner: APScheduler wakes it, the database decides who fires what.

Every hub process runs one TimerService on the shared database. A sweep reads the due
timers, claims them (hub.timers.store: a committed compare-and-swap, so each timer is
fired by exactly one process), calls `fire` for each with bounded concurrency, and
records the outcome. APScheduler only supplies the wake-ups (a poll interval, plus
`wake_at` for a timer due before the next poll); no timer lives in its memory, so a
restart loses nothing and timers that came due while the hub was down fire, marked late,
at the first sweep. See docs/timers.md.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler  # type: ignore[import-untyped]
from prometheus_client import Counter
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hub.models import utcnow
from hub.timers.models import DueTimer
from hub.timers.store import Candidate, Claim, claim, find_due, finish

log = logging.getLogger(__name__)

timers_fired = Counter("hub_timers_fired_total", "Timer fires started by this process", ["late"])
timer_failures = Counter(
    "hub_timer_failures_total", "Timer fires whose handler raised or timed out"
)

FireTimer = Callable[[DueTimer], Awaitable[None]]

_CLAIM_BATCH = 100
_SWEEP_JOB = "hub-timer-sweep"
# wake_at sets an exact wake-up only this close ahead; bots may schedule thousands of far timers.
_WAKE_HORIZON_SECONDS = 60.0


class TimerService:
    def __init__(
        self,
        engine: AsyncEngine,
        fire: FireTimer,
        *,
        process_id: str,
        poll_seconds: float = 1.0,
        late_after_seconds: float = 60.0,
        lease_seconds: float = 300.0,
        clock: Callable[[], datetime] = utcnow,
        max_concurrent_fires: int = 8,
    ) -> None:
        self._engine = engine
        self._fire = fire
        self.process_id = process_id
        self._poll_seconds = poll_seconds
        self._late_after = timedelta(seconds=late_after_seconds)
        self._lease_seconds = lease_seconds
        self._clock = clock
        self._fire_slots = asyncio.Semaphore(max_concurrent_fires)
        self._scheduler: AsyncIOScheduler | None = None
        self._sweeper: asyncio.Task[None] | None = None
        self._sweep_again = False

    async def start(self) -> None:
        """Start polling, and sweep right away so timers missed while down fire now."""
        if self._scheduler is not None:
            raise RuntimeError("TimerService.start() called twice; call stop() first")
        scheduler = AsyncIOScheduler(timezone=UTC)
        # The job only requests a sweep and returns: APScheduler cancels running coroutine
        # jobs at shutdown, and a fire must never be cut off halfway.
        scheduler.add_job(
            self._request_sweep,
            "interval",
            seconds=self._poll_seconds,
            id=_SWEEP_JOB,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )
        scheduler.start()
        self._scheduler = scheduler
        await self._request_sweep()

    async def stop(self) -> None:
        """Stop waking up, then wait for the sweep in progress (and its fires) to finish."""
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None and scheduler.running:
            scheduler.shutdown(wait=False)
        self._sweep_again = False
        if self._sweeper is not None:
            await asyncio.shield(self._sweeper)

    def wake_at(self, when: datetime) -> None:
        """Sweep at `when` (on the service's clock) too, for a timer due before the next poll.

        Call it after the transaction that scheduled the timer commits. No-op when stopped.
        """
        if when.tzinfo is None:
            raise ValueError("wake_at() needs an aware datetime: use hub.models.utcnow() + delta")
        scheduler = self._scheduler
        if scheduler is None:
            return
        # `when` is on the service's clock, which a test may have moved off the wall clock.
        ahead = when - self._clock()
        if ahead.total_seconds() > _WAKE_HORIZON_SECONDS:
            return  # polling gets there within a poll interval; keep few jobs in memory
        run_date = utcnow() + max(ahead, timedelta(0))
        scheduler.add_job(self._request_sweep, "date", run_date=run_date, misfire_grace_time=None)

    async def sweep(self) -> int:
        """Claim and fire every timer due now; returns how many fires this process ran.

        A fire whose handler fails still counts: it was claimed and run exactly once.
        """
        now = self._clock()
        stale_before = now - timedelta(seconds=self._lease_seconds)
        fired = 0
        seen: set[int] = set()
        while True:
            async with self._engine.connect() as conn:
                candidates = await find_due(
                    conn, now=now, stale_before=stale_before, limit=_CLAIM_BATCH
                )
            fresh = [candidate for candidate in candidates if candidate.id not in seen]
            seen.update(candidate.id for candidate in candidates)
            if not fresh:
                return fired
            claims = await self._claim_all(fresh, now)
            await asyncio.gather(*(self._run(held) for held in claims))
            fired += len(claims)
            if len(candidates) < _CLAIM_BATCH:
                return fired

    async def _claim_all(self, candidates: list[Candidate], now: datetime) -> list[Claim]:
        claims: list[Claim] = []
        # Committed before any fire, so other processes see the claims. Rows are taken in
        # id order so two processes claiming overlapping batches lock them in the same
        # order (PostgreSQL), and the transaction starts with a write (SQLite, where
        # upgrading a read transaction to a write can fail instead of waiting).
        async with self._engine.begin() as conn:
            for candidate in sorted(candidates, key=lambda c: c.id):
                held = await claim(
                    conn,
                    candidate,
                    process_id=self.process_id,
                    now=now,
                    late_after=self._late_after,
                )
                if held is not None:
                    claims.append(held)
        claims.sort(key=lambda held: (held.timer.due_at, held.timer.id))
        return claims

    async def _run(self, held: Claim) -> None:
        finished_with_fire = False

        async def finish_in(conn: AsyncConnection) -> bool:
            nonlocal finished_with_fire
            status = await finish(
                conn, held, process_id=self.process_id, now=self._clock(), error=None
            )
            finished_with_fire = status is not None
            return finished_with_fire

        timer = replace(held.timer, finish_in=finish_in)
        error: str | None = None
        async with self._fire_slots:
            timers_fired.labels(late="true" if timer.late else "false").inc()
            try:
                # A fire that outlives its lease would be claimed again by another
                # process; cutting it off here keeps "exactly once" honest.
                async with asyncio.timeout(self._lease_seconds):
                    await self._fire(timer)
            except Exception as exc:  # boundary: one bot's failing timer must not stop others
                timer_failures.inc()
                log.exception("timer %s (%s.%s) failed", timer.id, timer.bot, timer.handler)
                if isinstance(exc, TimeoutError):
                    error = (
                        f"TimeoutError: the handler ran past the {self._lease_seconds:g} s lease"
                    )
                else:
                    error = f"{type(exc).__name__}: {exc}"
        if error is None and finished_with_fire:
            return  # recorded in the fire's own transaction, which committed
        try:
            async with self._engine.begin() as conn:
                status = await finish(
                    conn, held, process_id=self.process_id, now=self._clock(), error=error
                )
        except Exception:  # boundary: the row stays running and is re-claimed after the lease
            log.exception("recording the end of timer %s failed", timer.id)
            return
        if status is None:
            log.info(
                "timer %s changed while it fired (rescheduled or cancelled); left as is", timer.id
            )

    async def _request_sweep(self) -> None:
        """Run a sweep now, or once more after the one in progress (requests coalesce).

        A coroutine function, though it never waits: APScheduler runs plain functions in a
        thread pool, and this must run on the event loop.
        """
        if self._scheduler is None:
            return  # stopped; a tick queued just before shutdown must not start a sweep
        if self._sweeper is not None and not self._sweeper.done():
            self._sweep_again = True
            return
        self._sweeper = asyncio.create_task(self._sweep_loop(), name="hub-timer-sweep")

    async def _sweep_loop(self) -> None:
        while True:
            self._sweep_again = False
            try:
                await self.sweep()
            except Exception:  # boundary: a database hiccup must not end the polling
                log.exception("timer sweep failed; retrying at the next poll")
            if not self._sweep_again or self._scheduler is None:
                return
