"""Ending access reaches live connections: a socket lives only as long as the person's
account and the session that opened it.

Access ends in another process as often as in this one (the CLI, an HR import, a sign-out
on another hub). With a broker that process tells every hub at once ("end sessions" in
hub.fanout.topics); this sweeper is the fallback for when it cannot (no Redis, Redis
away): each process checks the connections it holds every `account_check_seconds`, in
one round of two queries, and closes those of deactivated people and those whose session
was revoked (signed out, signed out everywhere, password reset) or has expired.
See docs/operations.md, "How fast access ends".
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import sqlalchemy as sa

from hub.db import SessionMaker, execute
from hub.models import auth_token_table, person_table, utcnow
from hub.tasks import TaskSet

log = logging.getLogger(__name__)
CLOSE_ACCESS_ENDED = 4001
ACCOUNT_DEACTIVATED = "account deactivated"
SESSION_ENDED = "session ended: sign in again"

# (person id, the hash of the session the connection was opened with, or None)
ConnectedSession = tuple[int, str | None]
CloseSessions = Callable[[int, str | None, int, str], Awaitable[None]]


class AccessSweeper:
    def __init__(
        self,
        sessions: SessionMaker,
        *,
        connected: Callable[[], list[ConnectedSession]],
        close: CloseSessions,
        every_seconds: float,
    ) -> None:
        self._sessions = sessions
        self._connected = connected
        self._close = close
        self._every = every_seconds
        self._tasks = TaskSet("access sweeper")

    async def start(self) -> None:
        self._tasks.spawn(self._sweep_forever(), name="access-sweeper")

    async def stop(self) -> None:
        await self._tasks.cancel_all()

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self._every)
            try:
                await self.sweep()
            except Exception:
                log.exception("checking for ended accounts and sessions failed; will retry")

    async def sweep(self) -> None:
        connected = self._connected()
        if not connected:
            return
        people = {person_id for person_id, _ in connected}
        opened_with = {session_hash for _, session_hash in connected if session_hash}
        async with self._sessions() as session:
            gone = set(
                (
                    await execute(
                        session,
                        sa.select(person_table.c.id).where(
                            person_table.c.id.in_(people), person_table.c.active.is_(False)
                        ),
                    )
                )
                .scalars()
                .all()
            )
            live: set[str] = set()
            if opened_with:
                tokens = auth_token_table.c
                live = set(
                    (
                        await execute(
                            session,
                            sa.select(tokens.token_hash).where(
                                tokens.token_hash.in_(opened_with),
                                tokens.revoked_at.is_(None),
                                tokens.expires_at > utcnow(),
                            ),
                        )
                    )
                    .scalars()
                    .all()
                )
        for person_id in gone:
            await self._close(person_id, None, CLOSE_ACCESS_ENDED, ACCOUNT_DEACTIVATED)
        for person_id, session_hash in connected:
            if person_id not in gone and session_hash and session_hash not in live:
                await self._close(person_id, session_hash, CLOSE_ACCESS_ENDED, SESSION_ENDED)
