"""A set of background tasks that belong to one owner (a connection, fan-out, the bot runtime).

Tasks started with `spawn` are kept referenced until they end (asyncio keeps only weak
references), a failure is logged with its traceback instead of vanishing, and the owner
can wait for them or cancel them all when it stops.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)


class TaskSet:
    def __init__(self, owner: str) -> None:
        self._owner = owner
        self._tasks: set[asyncio.Task[Any]] = set()

    def __len__(self) -> int:
        return len(self._tasks)

    def spawn(self, coroutine: Coroutine[Any, Any, Any], name: str | None = None) -> None:
        task = asyncio.create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("%s task failed", self._owner, exc_info=task.exception())

    async def wait(self, grace_seconds: float) -> None:
        """Let running tasks finish, for at most `grace_seconds`."""
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=grace_seconds)

    async def cancel_all(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
