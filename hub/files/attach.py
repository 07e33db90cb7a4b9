"""Attaching uploads to what a person submits with a card action or form.

An upload is the uploader's alone until they attach it: a card action or form with a `file`
input gives the files it names to the bot that receives it (the card's or form's bot), in
the same transaction as the action, and to nobody else: not the channel the command was
typed in, which may be public or a DM with a colleague. The bot then shares them with
exactly the people or channel it names (hub.files.share, ctx.share_files), so a sick note
reaches the approver and no one else (hub.permissions.check_read_upload). See docs/api.md
("Files").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from hub.cards import input_blocks
from hub.errors import ErrorCode, HubError
from hub.files.models import not_shared, upload_table
from hub.files.share import grant


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
    bot_id: int,
) -> None:
    """Check the file ids of the card's `file` inputs are the person's own uploads of an
    accepted type, and give them to the receiving bot (`bot_id`) alone. Raises
    validation_failed on the first bad one; the caller's transaction then keeps nothing."""
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
        await grant(conn, list(ids), [bot_id], granted_by=person_id)


def _bad(field: str, message: str) -> HubError:
    return HubError(ErrorCode.validation_failed, f"`{field}`: {message}", details={"field": field})
