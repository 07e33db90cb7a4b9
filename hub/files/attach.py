"""Attaching uploads to what a person submits with a card action or form.

An upload is the uploader's alone until they attach it: a card action or form in a channel
with a `file` input shares the files it names with that channel, in the same transaction
as the action, so whoever can read the channel (the approvers of a claim, say) can open
the receipt (hub.permissions.check_read_upload). See docs/api.md ("Files").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from hub.cards import input_blocks
from hub.errors import ErrorCode, HubError
from hub.files.models import not_shared, upload_share_table, upload_table
from hub.models import utcnow


async def unattached_bytes(conn: AsyncConnection, person_id: int) -> int:
    """How many bytes the person holds in uploads not shared anywhere yet."""
    total = await conn.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(upload_table.c.size), 0)).where(
            upload_table.c.owner_id == person_id, not_shared()
        )
    )
    return int(total or 0)


def matches(content_type: str, accept: Iterable[str]) -> bool:
    """Whether a MIME type fits a card's `accept` list (`image/*` covers every image)."""
    for pattern in accept:
        if pattern == content_type:
            return True
        if pattern.endswith("/*") and content_type.startswith(pattern[:-1]):
            return True
    return False


async def attach_uploads(
    conn: AsyncConnection,
    *,
    person_id: int,
    card: dict[str, Any],
    values: dict[str, Any],
    channel_id: int | None,
) -> None:
    """Check the file ids of the card's `file` inputs are the person's own uploads of an
    accepted type, and share them with the channel. Raises validation_failed on the first
    bad one; the caller's transaction then keeps nothing."""
    for block in input_blocks(card):
        ids = values.get(block["name"]) if block["kind"] == "file" else None
        if not ids:
            continue
        rows = {
            row.id: row
            for row in (
                await conn.execute(sa.select(upload_table).where(upload_table.c.id.in_(ids)))
            ).all()
        }
        for upload_id in ids:
            row = rows.get(upload_id)
            if row is None or row.owner_id != person_id:
                raise _bad(block["name"], f"{upload_id} is not one of your uploads.")
            accept = block.get("accept")
            if accept and not matches(row.content_type, accept):
                raise _bad(
                    block["name"],
                    f"{row.name} is {row.content_type}; this input takes {', '.join(accept)}.",
                )
        if channel_id is not None:
            await _share(conn, ids, channel_id)


async def _share(conn: AsyncConnection, ids: list[str], channel_id: int) -> None:
    existing = {
        row.upload_id
        for row in (
            await conn.execute(
                sa.select(upload_share_table.c.upload_id).where(
                    upload_share_table.c.upload_id.in_(ids),
                    upload_share_table.c.channel_id == channel_id,
                )
            )
        ).all()
    }
    now = utcnow()
    fresh = [
        {"upload_id": i, "channel_id": channel_id, "created_at": now}
        for i in ids
        if i not in existing
    ]
    if fresh:
        await conn.execute(sa.insert(upload_share_table), fresh)


def _bad(field: str, message: str) -> HubError:
    return HubError(ErrorCode.validation_failed, f"`{field}`: {message}", details={"field": field})
