"""Giving uploads to people and channels: the grants hub.permissions.check_read_upload reads.

    await grant(conn, ids, [bot_id], granted_by=uploader_id)          # a form sent them to a bot
    await share_with_people(conn, bot, ids, [approver_id])             # the bot passes them on
    await share_with_channel(conn, bot, ids, channel_id)               # ... or posts them for a channel

An upload is its uploader's alone until a card action or form sends it to a bot
(hub.files.attach); only that bot then decides who else reads it, with exactly the people
or channel it names (ctx.share_files, POST /api/v1/bot/files/share). Each runs on the
caller's transaction: checked, then written, kept only if the whole transaction commits.
See docs/api.md ("Files") and docs/bots.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from hub import permissions
from hub.files.models import upload_grant_table, upload_share_table
from hub.models import Person, utcnow

T = TypeVar("T")


async def grant(
    conn: AsyncConnection, upload_ids: list[str], person_ids: list[int], *, granted_by: int
) -> None:
    """Let each person read each upload (what is granted already stays as it is)."""
    if not upload_ids or not person_ids:
        return
    existing = {
        (row.upload_id, row.person_id)
        for row in await conn.execute(
            sa.select(upload_grant_table.c.upload_id, upload_grant_table.c.person_id).where(
                upload_grant_table.c.upload_id.in_(upload_ids),
                upload_grant_table.c.person_id.in_(person_ids),
            )
        )
    }
    now = utcnow()
    fresh = [
        {"upload_id": u, "person_id": p, "granted_by": granted_by, "created_at": now}
        for u in upload_ids
        for p in person_ids
        if (u, p) not in existing
    ]
    if fresh:
        await conn.execute(sa.insert(upload_grant_table), fresh)


async def share_with_people(
    conn: AsyncConnection, sharer: Person, upload_ids: Iterable[str], person_ids: Iterable[int]
) -> None:
    """The bot `sharer` gives files it was given to these people (never guests)."""
    ids, people = _distinct(upload_ids), _distinct(person_ids)
    await permissions.check_share_uploads(conn, sharer, ids)
    await permissions.check_share_with_people(conn, people)
    await grant(conn, ids, people, granted_by=sharer.id or 0)


async def share_with_channel(
    conn: AsyncConnection,
    sharer: Person,
    upload_ids: Iterable[str],
    channel_id: int,
    *,
    on_behalf_of: int | None = None,
) -> None:
    """The bot `sharer` shares files it was given with a channel it may post in: whoever
    can read the channel can read them."""
    ids = _distinct(upload_ids)
    await permissions.check_share_uploads(conn, sharer, ids)
    await permissions.check_share_with_channel(conn, sharer, channel_id, on_behalf_of=on_behalf_of)
    if not ids:
        return
    existing = set(
        (
            await conn.execute(
                sa.select(upload_share_table.c.upload_id).where(
                    upload_share_table.c.upload_id.in_(ids),
                    upload_share_table.c.channel_id == channel_id,
                )
            )
        ).scalars()
    )
    now = utcnow()
    fresh = [
        {"upload_id": i, "channel_id": channel_id, "created_at": now}
        for i in ids
        if i not in existing
    ]
    if fresh:
        await conn.execute(sa.insert(upload_share_table), fresh)


def _distinct(items: Iterable[T]) -> list[T]:
    return list(dict.fromkeys(items))
