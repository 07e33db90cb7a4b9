"""Deactivation reaches live connections: a deactivated person's sockets are closed.

Deactivation may happen in another process (the CLI, an HR import, another hub). With
Redis that process tells every hub at once on the broker (hub.fanout.topics, "end
sessions"); this sweeper is the fallback for when it cannot (no Redis, Redis away): each
process checks the people connected to it every `account_check_seconds`, one query per
round, whoever deactivated them and wherever. See docs/operations.md, "How fast access ends".
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import sqlalchemy as sa

from hub.db import SessionMaker, execute
from hub.models import person_table
from hub.tasks import TaskSet

log = logging.getLogger(__name__)
CLOSE_ACCOUNT_DEACTIVATED = 4001


class DeactivationSweeper:
    def __init__(
        self,
        sessions: SessionMaker,
        *,
        connected: Callable[[], list[int]],
        close: Callable[[int, int, str], Awaitable[None]],
        every_seconds: float,
    ) -> None:
        self._sessions = sessions
        self._connected = connected
        self._close = close
        self._every = every_seconds
        self._tasks = TaskSet("deactivation sweeper")

    async def start(self) -> None:
        self._tasks.spawn(self._sweep_forever(), name="deactivation-sweeper")

    async def stop(self) -> None:
        await self._tasks.cancel_all()

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self._every)
            try:
                await self.sweep()
            except Exception:
                log.exception("checking for deactivated accounts failed; will retry")

    async def sweep(self) -> None:
        connected = self._connected()
        if not connected:
            return
        async with self._sessions() as session:
            query = sa.select(person_table.c.id).where(
                person_table.c.id.in_(connected), person_table.c.active.is_(False)
            )
            gone = (await execute(session, query)).scalars().all()
        for person_id in gone:
            await self._close(person_id, CLOSE_ACCOUNT_DEACTIVATED, "account deactivated")
