"""Sending without a task per connection.

Fan-out queues frames on many connections in one turn of the event loop; one flush at
the end of that turn sends each connection's queue as a single WebSocket frame. The
ASGI `send` of an idle, writable connection finishes without ever suspending, so it is
run eagerly, on the spot; only a send that must wait for the socket becomes a task.
This removes a task switch per delivery, which at fan-out rates is most of the cost.
"""

from __future__ import annotations

import asyncio
import types
from collections.abc import Awaitable, Coroutine, Generator
from typing import Any


def start_eagerly(awaitable: Awaitable[None]) -> asyncio.Task[None] | None:
    """Run `awaitable` now until it finishes (None) or first waits (a Task that finishes it).

    asyncio's eager tasks (Python 3.12) do this; on 3.11 we step the coroutine once
    ourselves. Exceptions raised before the first wait propagate to the caller.
    """
    if not isinstance(awaitable, Coroutine):  # ASGI allows any awaitable; few servers differ
        return asyncio.ensure_future(awaitable)
    coroutine = awaitable
    try:
        awaited = coroutine.send(None)
    except StopIteration:
        return None
    return asyncio.ensure_future(_finish(coroutine, awaited))


async def _finish(coroutine: Coroutine[Any, Any, None], awaited: Any) -> None:
    # Drive the rest exactly as a Task would: wait for what it waits on, hand back the
    # outcome, repeat until it returns.
    while True:
        try:
            await _wait_for(awaited)
        except BaseException as error:  # handed to the coroutine, as a Task would
            try:
                awaited = coroutine.throw(error)
            except StopIteration:
                return
            continue
        try:
            awaited = coroutine.send(None)
        except StopIteration:
            return


@types.coroutine
def _wait_for(awaited: Any) -> Generator[Any, None, None]:
    # `awaited` is what the coroutine yielded: a future (or None for a bare yield, as
    # asyncio.sleep(0) does). Yielding it on makes our own Task wait on the same thing.
    yield awaited


class Flusher:
    """Collects connections with queued frames and flushes them together.

    An idle hub flushes at the end of the current loop turn. A busy one flushes at most
    once per `interval` seconds: every flush costs a system call per connection, so at
    high message rates gathering a few milliseconds of frames into one WebSocket frame
    is what keeps fan-out latency flat instead of letting queues grow.
    """

    def __init__(self, interval: float) -> None:
        self._interval = interval
        self._dirty: list[Any] = []
        self._scheduled = False
        self._last = 0.0

    def mark(self, connection: Any) -> None:
        self._dirty.append(connection)
        if not self._scheduled:
            self._scheduled = True
            loop = asyncio.get_running_loop()
            wait = self._last + self._interval - loop.time()
            if wait > 0:
                loop.call_later(wait, self._flush)
            else:
                loop.call_soon(self._flush)

    def _flush(self) -> None:
        self._last = asyncio.get_running_loop().time()
        dirty, self._dirty = self._dirty, []
        self._scheduled = False
        for connection in dirty:
            connection.flush()
