"""TimerService: fires due timers once, marks late ones, survives failing handlers and dead claimants."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.models import utcnow
from hub.timers import DueTimer, TimerService, cancel_timer, schedule_timer
from tests.support import WAIT, wait_for
from tests.timers.conftest import FakeClock, read_timer, update_timer


class Recorder:
    """The bot runtime's side: remembers every fire, can fail or dawdle on request."""

    def __init__(self) -> None:
        self.fired: list[DueTimer] = []
        self.fail_handlers: set[str] = set()
        self.delay = 0.0
        self.arrived = asyncio.Event()

    async def __call__(self, timer: DueTimer) -> None:
        if self.delay:
            await asyncio.sleep(self.delay)
        self.fired.append(timer)
        self.arrived.set()
        if timer.handler in self.fail_handlers:
            raise RuntimeError(f"{timer.handler} broke")


def make_service(
    engine: AsyncEngine,
    recorder: Recorder,
    clock: FakeClock | None = None,
    *,
    poll_seconds: float = 1.0,
    late_after_seconds: float = 60.0,
    lease_seconds: float = 300.0,
) -> TimerService:
    return TimerService(
        engine,
        recorder,
        process_id="hub-1",
        clock=clock or utcnow,
        poll_seconds=poll_seconds,
        late_after_seconds=late_after_seconds,
        lease_seconds=lease_seconds,
    )


async def schedule(engine: AsyncEngine, clock: FakeClock, **kwargs: object) -> int:
    async with engine.begin() as conn:
        return await schedule_timer(conn, now=clock(), **kwargs)  # type: ignore[arg-type]


async def test_due_timer_fires_once_and_is_done(engine: AsyncEngine, clock: FakeClock) -> None:
    timer_id = await schedule(
        engine, clock, bot="leave", handler="remind", key="r:1", at=clock(), payload={"n": 1}
    )
    recorder = Recorder()
    service = make_service(engine, recorder, clock)
    clock.advance(seconds=5)
    assert await service.sweep() == 1
    assert await service.sweep() == 0
    [fired] = recorder.fired
    assert (fired.id, fired.bot, fired.handler, fired.key, fired.payload) == (
        timer_id,
        "leave",
        "remind",
        "r:1",
        {"n": 1},
    )
    assert fired.due_at == clock() - timedelta(seconds=5) and fired.fired_at == clock()
    assert fired.late is False and fired.cron is None
    row = await read_timer(engine, timer_id)
    assert (row.status, row.fired_count, row.last_late, row.last_error) == ("done", 1, False, None)
    assert (row.claimed_by, row.last_fired_at) == ("hub-1", clock())


async def test_timer_not_yet_due_waits(engine: AsyncEngine, clock: FakeClock) -> None:
    timer_id = await schedule(
        engine, clock, bot="b", handler="h", at=clock() + timedelta(minutes=10)
    )
    recorder = Recorder()
    service = make_service(engine, recorder, clock)
    assert await service.sweep() == 0
    clock.advance(minutes=9, seconds=59)
    assert await service.sweep() == 0
    assert (await read_timer(engine, timer_id)).status == "pending"
    clock.advance(seconds=1)
    assert await service.sweep() == 1
    assert [timer.id for timer in recorder.fired] == [timer_id]


async def test_timer_due_during_downtime_fires_late_at_start(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        timer_id = await schedule_timer(
            conn, bot="b", handler="h", at=utcnow() - timedelta(hours=1)
        )
    recorder = Recorder()
    # A long poll interval: only the sweep at start can fire it within the wait below.
    service = make_service(engine, recorder, poll_seconds=3600)
    await service.start()
    try:
        await asyncio.wait_for(recorder.arrived.wait(), timeout=WAIT)
    finally:
        await service.stop()
    [fired] = recorder.fired
    assert fired.id == timer_id and fired.late is True
    row = await read_timer(engine, timer_id)
    assert (row.status, row.last_late) == ("done", True)


async def test_slightly_overdue_timer_is_not_late(engine: AsyncEngine, clock: FakeClock) -> None:
    await schedule(engine, clock, bot="b", handler="h", at=clock())
    recorder = Recorder()
    service = make_service(engine, recorder, clock, late_after_seconds=60)
    clock.advance(seconds=60)
    assert await service.sweep() == 1
    assert recorder.fired[0].late is False


async def test_cron_that_missed_five_runs_fires_once_then_resumes(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    timer_id = await schedule(engine, clock, bot="digest", handler="send", cron="0 * * * *")
    assert (await read_timer(engine, timer_id)).due_at == datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    recorder = Recorder()
    service = make_service(engine, recorder, clock)
    clock.advance(hours=5, minutes=10)  # 05:40: the 01:00 to 05:00 runs were missed
    assert await service.sweep() == 1
    assert await service.sweep() == 0
    [fired] = recorder.fired
    assert fired.late is True and fired.cron == "0 * * * *"
    assert fired.due_at == datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    row = await read_timer(engine, timer_id)
    assert (row.status, row.fired_count, row.due_at) == (
        "pending",
        1,
        datetime(2026, 3, 2, 6, 0, tzinfo=UTC),
    )
    clock.now = datetime(2026, 3, 2, 6, 0, 2, tzinfo=UTC)
    assert await service.sweep() == 1
    assert recorder.fired[-1].late is False
    row = await read_timer(engine, timer_id)
    assert (row.status, row.fired_count, row.due_at) == (
        "pending",
        2,
        datetime(2026, 3, 2, 7, 0, tzinfo=UTC),
    )


async def test_failing_handler_is_logged_recorded_and_others_still_fire(
    engine: AsyncEngine, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    ok_before = await schedule(engine, clock, bot="b", handler="ok", at=clock())
    broken = await schedule(engine, clock, bot="b", handler="broken", at=clock())
    ok_after = await schedule(engine, clock, bot="b", handler="ok", at=clock())
    broken_cron = await schedule(engine, clock, bot="b", handler="broken", cron="*/5 * * * *")
    recorder = Recorder()
    recorder.fail_handlers.add("broken")
    service = make_service(engine, recorder, clock)
    clock.advance(minutes=5)
    with caplog.at_level(logging.ERROR, logger="hub.timers.service"):
        assert await service.sweep() == 4
    assert {timer.id for timer in recorder.fired} == {ok_before, broken, ok_after, broken_cron}
    for timer_id in (ok_before, ok_after):
        assert (await read_timer(engine, timer_id)).status == "done"
    row = await read_timer(engine, broken)
    assert (row.status, row.last_error) == ("failed", "RuntimeError: broken broke")
    row = await read_timer(engine, broken_cron)  # a cron timer still moves on to its next time
    assert (row.status, row.last_error) == ("pending", "RuntimeError: broken broke")
    assert row.due_at == datetime(2026, 3, 2, 0, 40, tzinfo=UTC)
    failures = [record for record in caplog.records if "failed" in record.getMessage()]
    assert len(failures) == 2
    assert all(record.exc_info and record.exc_info[0] is RuntimeError for record in failures)


async def test_handler_past_its_lease_is_cut_off_and_recorded(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    timer_id = await schedule(engine, clock, bot="b", handler="slow", at=clock())
    recorder = Recorder()
    recorder.delay = 5
    service = make_service(engine, recorder, clock, lease_seconds=0.05)
    assert await service.sweep() == 1
    row = await read_timer(engine, timer_id)
    assert row.status == "failed" and "ran past the 0.05 s lease" in row.last_error
    assert recorder.fired == []


async def test_stale_running_claim_is_reclaimed_after_the_lease(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    dead = await schedule(engine, clock, bot="b", handler="h", at=clock())
    alive = await schedule(engine, clock, bot="b", handler="h", at=clock())
    # One process died 301 s into a fire; another has been firing for 10 s.
    await update_timer(
        engine, dead, status="running", claimed_by="hub-0", claimed_at=clock(), fired_count=1
    )
    clock.advance(seconds=291)
    await update_timer(
        engine, alive, status="running", claimed_by="hub-2", claimed_at=clock(), fired_count=1
    )
    clock.advance(seconds=10)
    recorder = Recorder()
    service = make_service(engine, recorder, clock, lease_seconds=300)
    assert await service.sweep() == 1
    assert [timer.id for timer in recorder.fired] == [dead]
    row = await read_timer(engine, dead)
    assert (row.status, row.claimed_by, row.fired_count) == ("done", "hub-1", 2)
    row = await read_timer(engine, alive)
    assert (row.status, row.claimed_by) == ("running", "hub-2")


async def test_handler_that_reschedules_or_cancels_its_own_timer_wins(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    nag = await schedule(engine, clock, bot="leave", handler="nag", key="nag", at=clock())
    digest = await schedule(
        engine, clock, bot="leave", handler="digest", key="digest", cron="*/5 * * * *"
    )
    next_nag = clock() + timedelta(hours=24)

    async def fire(timer: DueTimer) -> None:
        async with engine.begin() as conn:
            if timer.handler == "nag":  # "remind again tomorrow"
                await schedule_timer(
                    conn, bot="leave", handler="nag", key="nag", at=next_nag, now=clock()
                )
            else:  # "that was the last digest"
                assert await cancel_timer(conn, bot="leave", key="digest") is True

    service = TimerService(engine, fire, process_id="hub-1", clock=clock)
    clock.advance(minutes=5)
    assert await service.sweep() == 2
    row = await read_timer(engine, nag)
    assert (row.status, row.due_at, row.fired_count) == ("pending", next_nag, 1)
    assert (await read_timer(engine, digest)).status == "cancelled"


async def test_wake_at_fires_before_the_next_poll(engine: AsyncEngine) -> None:
    recorder = Recorder()
    service = make_service(engine, recorder, poll_seconds=3600)
    await service.start()
    try:
        # The sweep at start has found nothing, so only the wake below can fire the timer.
        await wait_for(lambda: service._sweeper is not None and service._sweeper.done())
        due = utcnow() + timedelta(milliseconds=300)
        async with engine.begin() as conn:
            timer_id = await schedule_timer(conn, bot="b", handler="h", at=due)
        service.wake_at(due)
        await asyncio.wait_for(recorder.arrived.wait(), timeout=WAIT)
    finally:
        await service.stop()
    [fired] = recorder.fired
    assert fired.id == timer_id and fired.fired_at >= due and fired.late is False


async def test_poll_fires_timers_and_stop_waits_for_running_fires(engine: AsyncEngine) -> None:
    recorder = Recorder()
    recorder.delay = 0.3
    service = make_service(engine, recorder, poll_seconds=0.05)
    await service.start()
    async with engine.begin() as conn:
        timer_id = await schedule_timer(conn, bot="b", handler="h", at=utcnow())
    try:

        async def claimed() -> bool:
            # Usually caught running (the fire dawdles); done too means it was claimed.
            return (await read_timer(engine, timer_id)).status in ("running", "done")

        await wait_for(claimed, what="a poll to claim the timer")
    finally:
        await service.stop()
    assert [timer.id for timer in recorder.fired] == [timer_id]
    assert (await read_timer(engine, timer_id)).status == "done"


async def test_a_fire_can_record_itself_in_its_own_transaction(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    """The runtime finishes the firing inside the handler's transaction: committed together,
    or, when the handler's transaction fails, the service records the failure instead."""
    done_id = await schedule(engine, clock, bot="b", handler="ok", at=clock())
    failed_id = await schedule(engine, clock, bot="b", handler="broken", at=clock())
    outcomes: dict[str, bool] = {}

    async def fire(timer: DueTimer) -> None:
        assert timer.finish_in is not None
        async with engine.begin() as conn:
            outcomes[timer.handler] = await timer.finish_in(conn)
            if timer.handler == "broken":
                raise RuntimeError("the handler failed after recording")  # rolls back

    service = TimerService(engine, fire, process_id="hub-1", clock=clock)
    clock.advance(seconds=1)
    assert await service.sweep() == 2
    assert outcomes == {"ok": True, "broken": True}
    assert (await read_timer(engine, done_id)).status == "done"
    failed = await read_timer(engine, failed_id)
    assert failed.status == "failed" and "failed after recording" in failed.last_error
