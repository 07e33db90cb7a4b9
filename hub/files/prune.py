"""Removing uploads nobody attached: a file chosen for a card and then abandoned (the tab
closed, the card answered by someone else) would otherwise stay on disk for ever.

    pruner = UploadPruner(engine, settings.data_dir, keep=timedelta(days=7))
    await pruner.start()   # prunes a minute after start, then every hour
    removed = await prune_unshared(engine, data_dir, older_than=timedelta(days=7))

An upload shared with a channel (hub.files.attach) is kept: people read it there. The row
goes first, in one guarded DELETE, then the bytes, so a file is never missing while its
row says it exists. Any hub process may prune; they do not get in each other's way.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.files.models import not_shared, upload_table
from hub.files.storage import file_path
from hub.models import utcnow

log = logging.getLogger(__name__)

_BATCH = 500
_EVERY_SECONDS = 3600.0
_FIRST_AFTER_SECONDS = 60.0


async def prune_unshared(engine: AsyncEngine, data_dir: Path, *, older_than: timedelta) -> int:
    """Delete uploads older than `older_than` that were never shared; returns how many."""
    cutoff = utcnow() - older_than
    removed = 0
    while True:
        async with engine.begin() as conn:
            ids = [
                row.id
                for row in (
                    await conn.execute(
                        sa.select(upload_table.c.id)
                        .where(upload_table.c.created_at < cutoff, not_shared())
                        .limit(_BATCH)
                    )
                ).all()
            ]
            if ids:
                # Checked again in the DELETE: an action may have shared one meanwhile.
                await conn.execute(
                    sa.delete(upload_table).where(upload_table.c.id.in_(ids), not_shared())
                )
        for upload_id in ids:
            file_path(data_dir, upload_id).unlink(missing_ok=True)
        removed += len(ids)
        if len(ids) < _BATCH:
            return removed


class UploadPruner:
    """Prunes unshared uploads a minute after start and then every hour, until stopped."""

    def __init__(self, engine: AsyncEngine, data_dir: Path, *, keep: timedelta) -> None:
        self._engine = engine
        self._data_dir = data_dir
        self._keep = keep
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="upload-pruner")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _run(self) -> None:
        # Not at start-up: a restart should not wait on, or compete with, a sweep of old files.
        await asyncio.sleep(_FIRST_AFTER_SECONDS)
        while True:
            try:
                removed = await prune_unshared(self._engine, self._data_dir, older_than=self._keep)
                if removed:
                    log.info("removed %d uploads nobody attached in %s", removed, self._keep)
            except Exception:
                log.exception("pruning unattached uploads failed; trying again in an hour")
            await asyncio.sleep(_EVERY_SECONDS)
