"""Group commit: every change to a channel goes through one writer task per process.

Operations queue up while the previous transaction commits; the writer then applies the
whole queue in one transaction (consecutive operations of one kind together, so a burst
of sends costs a handful of statements), commits once, publishes the events in commit
order and only then answers each caller. If the shared transaction fails, each
operation is retried alone so one bad operation cannot sink the others.
"""

from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Self, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hub import metrics
from hub.bus import EventBus
from hub.errors import ErrorCode, HubError
from hub.models import channel_event_table, channel_table, utcnow
from hub.permissions import check_active_in
from hub.wire.server import LoggedEvent, Wire

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class Outcome(Generic[T]):
    value: T | None = None
    error: HubError | None = None
    events: list[LoggedEvent] = field(default_factory=list)
    # People whose inbox this change touched (hub.inbox): told after the commit.
    inbox_changed: set[int] = field(default_factory=set)


class Operation(ABC, Generic[T]):
    """A write that may share a transaction with others. Subclasses apply a batch of their own kind."""

    @classmethod
    @abstractmethod
    async def apply_batch(cls, conn: AsyncConnection, ops: Sequence[Self]) -> list[Outcome[Any]]:
        """Apply `ops` in order inside the open transaction; one Outcome per op, in order."""


class SingleOperation(Operation[T]):
    """An operation that is simplest written one at a time."""

    @abstractmethod
    async def apply(self, conn: AsyncConnection) -> Outcome[T]: ...

    def actor_id(self) -> int | None:
        """The person making this change, if a person makes it: their account must still be
        active when it is written (hub.permissions.check_account_active), however long ago
        their socket or request was authenticated. None for the hub's own changes."""
        return None

    @classmethod
    async def apply_batch(cls, conn: AsyncConnection, ops: Sequence[Self]) -> list[Outcome[Any]]:
        outcomes: list[Outcome[Any]] = []
        for op in ops:
            try:
                # A savepoint per op: a refused op (HubError) undoes only its own rows.
                async with conn.begin_nested():
                    actor = op.actor_id()
                    if actor is not None:
                        await check_active_in(conn, actor)
                    outcomes.append(await op.apply(conn))
            except HubError as error:
                outcomes.append(Outcome(error=error))
        return outcomes


async def allocate_seqs(conn: AsyncConnection, counts: dict[int, int]) -> dict[int, int]:
    """Bump each channel's counter by its count in one statement; returns channel -> new last seq.

    One round trip for the whole batch, however many channels it touches: each trip to
    the database waits for a turn of the event loop, so their number sets the batch time.
    """
    if not counts:
        return {}
    step = sa.case(counts, value=channel_table.c.id)
    rows = await conn.execute(
        sa.update(channel_table)
        .where(channel_table.c.id.in_(sorted(counts)))
        .values(last_seq=channel_table.c.last_seq + step)
        .returning(channel_table.c.id, channel_table.c.last_seq)
    )
    return {row.id: row.last_seq for row in rows}


async def append_events(
    conn: AsyncConnection,
    channel_id: int,
    builders: Sequence[Callable[[int], Wire]],
    *,
    audience: tuple[int, ...] = (),
) -> list[LoggedEvent]:
    """Give the channel its next sequence numbers and store one event per builder."""
    if not builders:
        return []
    last = (await allocate_seqs(conn, {channel_id: len(builders)}))[channel_id]
    first = last - len(builders) + 1
    events: list[LoggedEvent] = []
    rows: list[dict[str, Any]] = []
    now = utcnow()
    for offset, build in enumerate(builders):
        seq = first + offset
        frame = build(seq)
        text = frame.encode()
        event_type: str = getattr(frame, "type")  # noqa: B009  (every channel event has one)
        rows.append(
            {
                "channel_id": channel_id,
                "seq": seq,
                "type": event_type,
                "frame": text,
                "created_at": now,
            }
        )
        events.append(LoggedEvent(channel_id, seq, event_type, text, audience))
    await conn.execute(sa.insert(channel_event_table), rows)
    return events


class Writer:
    def __init__(
        self,
        engine: AsyncEngine,
        bus: EventBus,
        max_batch: int = 512,
        on_inbox_changed: Callable[[set[int]], Awaitable[None]] | None = None,
    ) -> None:
        self._engine = engine
        self._bus = bus
        self._max_batch = max_batch
        # Told, after each commit, whose inbox it changed (hub.inbox.notify_inbox).
        self._on_inbox_changed = on_inbox_changed
        self._queue: asyncio.Queue[tuple[Operation[Any], asyncio.Future[Any]]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._closing = False

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="group-writer")

    async def stop(self) -> None:
        """Finish every operation already accepted, then stop."""
        self._closing = True
        await self._queue.join()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    def submit_nowait(self, op: Operation[T]) -> asyncio.Future[T]:
        if self._closing:
            raise HubError(ErrorCode.unavailable, "The hub is shutting down; reconnect and retry.")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((op, future))
        return future

    async def submit(self, op: Operation[T]) -> T:
        return await self.submit_nowait(op)

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self._max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                await self._commit(batch)
            except Exception:  # the writer must survive anything one batch does
                log.exception("group commit failed")
                for _, future in batch:
                    if not future.done():
                        future.set_exception(
                            HubError(ErrorCode.internal, "The write failed; retry.")
                        )
            finally:
                for _ in batch:
                    self._queue.task_done()

    async def _commit(self, batch: list[tuple[Operation[Any], asyncio.Future[Any]]]) -> None:
        ops = [op for op, _ in batch]
        try:
            outcomes = await self._apply_in_transaction(ops)
        except Exception:
            log.warning(
                "shared transaction of %d operations failed; applying them one by one",
                len(ops),
                exc_info=True,
            )
            outcomes = [await self._apply_alone(op) for op in ops]
        metrics.commit_batches.inc()
        metrics.committed_operations.inc(len(ops))
        events = [event for outcome in outcomes for event in outcome.events]
        if events:
            await self._bus.publish(events)
        inbox_changed = {person for outcome in outcomes for person in outcome.inbox_changed}
        if inbox_changed and self._on_inbox_changed is not None:
            try:
                await self._on_inbox_changed(inbox_changed)
            except Exception:  # committed already: a client refetches its inbox on resume
                log.exception("telling %d people their inbox changed failed", len(inbox_changed))
        for (_, future), outcome in zip(batch, outcomes, strict=True):
            if future.done():
                continue
            if outcome.error is not None:
                future.set_exception(outcome.error)
            else:
                future.set_result(outcome.value)

    async def _apply_in_transaction(self, ops: list[Operation[Any]]) -> list[Outcome[Any]]:
        outcomes: list[Outcome[Any]] = []
        async with self._engine.begin() as conn:
            start = 0
            while start < len(ops):
                kind = type(ops[start])
                end = start
                while end < len(ops) and type(ops[end]) is kind:
                    end += 1
                outcomes.extend(await kind.apply_batch(conn, ops[start:end]))
                start = end
        return outcomes

    async def _apply_alone(self, op: Operation[Any]) -> Outcome[Any]:
        try:
            return (await self._apply_in_transaction([op]))[0]
        except HubError as error:
            return Outcome(error=error)
        except Exception:
            log.exception("operation %s failed", type(op).__name__)
            return Outcome(
                error=HubError(ErrorCode.internal, "The write failed on the server; retry shortly.")
            )
