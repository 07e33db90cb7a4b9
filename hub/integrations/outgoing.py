"""Outgoing webhooks: register an integration's endpoint, queue signed events for it, read its log.

`enqueue_event` is what the rest of the hub calls, inside its own transaction, when
something an integration may want happens (a card action, a finished approval); channel
messages reach webhooks through hub.integrations.tailer instead, off the chat hot path.
hub.integrations.sender does the sending. See docs/integrations.md.
"""

from __future__ import annotations

import asyncio
import base64
import re
import secrets
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hub.errors import ErrorCode, HubError, channel_not_found, person_not_found
from hub.integrations.models import (
    outgoing_webhook_table,
    webhook_attempt_table,
    webhook_cursor_table,
    webhook_delivery_table,
)
from hub.models import channel_table, person_table, utcnow
from hub.wire.inputs import SPACE

# The hub's own events. Bots add theirs (hub.botkit.Bot.emits, from a manifest's [events]),
# queued with `enqueue_bot_event` when a handler calls `ctx.emit`.
EVENT_TYPES = ("message.new", "card.action")
EVENT_NAME_PATTERN = r"^[a-z][a-z0-9_]{0,29}(\.[a-z][a-z0-9_]{0,29}){1,3}$"
MESSAGE_EVENT = "message.new"
URL_MAX = 2000
CHANNELS_MAX = 100

# Senders running in this process, nudged when a transaction that queued deliveries commits.
_wakers: list[Callable[[], None]] = []


def new_secret() -> str:
    """A Standard Webhooks secret: "whsec_" and 24 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def new_delivery_id() -> str:
    return "msg_" + uuid.uuid4().hex


def event_payload(
    event_type: str, data: dict[str, Any], at: datetime, *, bot: str | None = None
) -> str:
    """The exact JSON text a delivery sends, on its first attempt and every retry. A bot's
    own event names the bot that sent it."""
    body: dict[str, Any] = {
        "type": event_type,
        "timestamp": at.isoformat(timespec="milliseconds"),
        "data": data,
    }
    if bot is not None:
        body["bot"] = bot
    return orjson.dumps(body).decode()


def delivery_row(webhook_id: int, event_type: str, payload: str) -> dict[str, Any]:
    now = utcnow()
    return {
        "id": new_delivery_id(),
        "webhook_id": webhook_id,
        "event_type": event_type,
        "payload": payload,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "last_status_code": None,
        "last_error": None,
        "created_at": now,
        "delivered_at": None,
    }


async def enqueue_event(
    conn: AsyncConnection,
    *,
    bot_id: int | None,
    event_type: str,
    data: dict[str, Any],
    channel_id: int | None = None,
) -> list[str]:
    """Queue `event_type` for every active webhook that wants it, in the caller's transaction.

    `bot_id` limits it to that integration's webhooks; for message.new only webhooks
    watching `channel_id` match. Returns the delivery ids (the `webhook-id` headers).
    """
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown webhook event {event_type!r}; use one of {EVENT_TYPES}")
    if event_type == MESSAGE_EVENT and channel_id is None:
        raise ValueError("message.new events need channel_id (the channel the message is in)")
    w = outgoing_webhook_table
    stmt = sa.select(w.c.id, w.c.events, w.c.channel_ids).where(w.c.active.is_(True))
    if bot_id is not None:
        stmt = stmt.where(w.c.bot_id == bot_id)
    payload = event_payload(event_type, data, utcnow())
    rows = [
        delivery_row(hook.id, event_type, payload)
        for hook in await conn.execute(stmt)
        if event_type in hook.events
        and (event_type != MESSAGE_EVENT or channel_id in hook.channel_ids)
    ]
    if rows:
        await conn.execute(sa.insert(webhook_delivery_table), rows)
        _wake_after_commit(conn)
    return [row["id"] for row in rows]


async def enqueue_bot_event(
    conn: AsyncConnection, *, bot: str, event_type: str, data: dict[str, Any]
) -> list[str]:
    """Queue a bot's own event (`ctx.emit`) for every active webhook subscribed to it, in the
    handler's transaction: sent after the commit, or never if the handler fails. Whichever
    integration owns the webhook receives it (the HR system listening for approvals)."""
    if event_type in EVENT_TYPES:
        raise ValueError(f"{event_type!r} is the hub's own event; bots emit their own types")
    w = outgoing_webhook_table
    payload = event_payload(event_type, data, utcnow(), bot=bot)
    rows = [
        delivery_row(hook.id, event_type, payload)
        for hook in await conn.execute(sa.select(w.c.id, w.c.events).where(w.c.active.is_(True)))
        if event_type in hook.events
    ]
    if rows:
        await conn.execute(sa.insert(webhook_delivery_table), rows)
        _wake_after_commit(conn)
    return [row["id"] for row in rows]


async def enqueue_card_action(conn: AsyncConnection, bot_id: int, data: dict[str, Any]) -> None:
    """Queue `card.action` for the card's bot in the action's own transaction (the bot
    runtime calls it through hub.bots.services, wired in hub.app)."""
    await enqueue_event(conn, bot_id=bot_id, event_type="card.action", data=data)


def _wake_after_commit(conn: AsyncConnection) -> None:
    if not _wakers:
        return
    loop = asyncio.get_running_loop()

    def committed(_conn: Any) -> None:
        # The commit hook runs just before the database confirms; a short delay lets the
        # rows become visible. The sender's regular poll is the guarantee, this only nudges.
        loop.call_later(0.05, wake_senders)

    sa.event.listen(conn.sync_connection, "commit", committed, once=True)


def wake_senders() -> None:
    for wake in list(_wakers):
        wake()


# Admin operations (permission is checked by the caller with hub.permissions)


@dataclass
class NewWebhook:
    bot_id: int
    url: str
    events: list[str]
    channel_ids: list[int]


# The document states the same pattern (hub.integrations.routes).
URL_PATTERN = re.compile(f"^https?://[A-Za-z0-9.-]+(:[0-9]{{1,5}})?(/[^{SPACE}]*)?$")


def check_webhook_url(url: object) -> str:
    if not isinstance(url, str) or len(url) > URL_MAX:
        raise HubError(
            ErrorCode.validation_failed, f"`url` must be a URL of at most {URL_MAX} characters."
        )
    parts = urlsplit(url)
    if not URL_PATTERN.match(url) or parts.scheme not in ("http", "https") or not parts.hostname:
        raise HubError(
            ErrorCode.validation_failed,
            f"`url` must be an http:// or https:// address with a host, like https://hr.example.com/hooks/hub; got {url!r}.",
        )
    return url


def check_event_types(events: Sequence[str], known: Sequence[str]) -> list[str]:
    """`known`: the hub's own events and those the enabled bots declare."""
    if not events:
        raise HubError(
            ErrorCode.validation_failed,
            f"`events` must name at least one event: {', '.join(known)}.",
        )
    for event in events:
        if event not in known:
            raise HubError(
                ErrorCode.validation_failed,
                f"Unknown event {event!r} in `events`; the events are {', '.join(known)}"
                " (GET /api/v1/webhooks/events describes each).",
            )
    return list(dict.fromkeys(events))


async def check_new_webhook(
    conn: AsyncConnection,
    bot_id: int,
    url: object,
    events: Sequence[str],
    channel_ids: Sequence[int],
    *,
    known: Sequence[str] = EVENT_TYPES,
) -> NewWebhook:
    url = check_webhook_url(url)
    wanted = check_event_types(events, known)
    channels = list(dict.fromkeys(channel_ids))
    if MESSAGE_EVENT in wanted and not channels:
        raise HubError(
            ErrorCode.validation_failed,
            "message.new needs `channel_ids`: the channels whose messages this webhook receives.",
        )
    if channels and MESSAGE_EVENT not in wanted:
        raise HubError(
            ErrorCode.validation_failed,
            "`channel_ids` only applies to message.new; add it to `events` or leave `channel_ids` empty.",
        )
    if len(channels) > CHANNELS_MAX:
        raise HubError(
            ErrorCode.validation_failed, f"A webhook watches at most {CHANNELS_MAX} channels."
        )
    bot = (
        await conn.execute(
            sa.select(person_table.c.kind, person_table.c.active).where(person_table.c.id == bot_id)
        )
    ).first()
    if bot is None:
        raise person_not_found(bot_id)
    if bot.kind != "bot":
        raise HubError(
            ErrorCode.validation_failed,
            f"Person {bot_id} is not a bot; a webhook belongs to the bot person of its integration.",
        )
    if not bot.active:
        raise HubError(ErrorCode.validation_failed, f"Bot {bot_id} is deactivated.")
    found = {
        row.id: row.kind
        for row in await conn.execute(
            sa.select(channel_table.c.id, channel_table.c.kind).where(
                channel_table.c.id.in_(channels)
            )
        )
    }
    for channel_id in channels:
        if channel_id not in found:
            raise channel_not_found(channel_id)
        if found[channel_id] in ("direct", "group"):
            raise HubError(
                ErrorCode.validation_failed,
                f"Channel {channel_id} is a direct conversation; webhooks watch public and private channels only.",
            )
    return NewWebhook(bot_id=bot_id, url=url, events=wanted, channel_ids=channels)


async def create_webhook(engine: AsyncEngine, new: NewWebhook, created_by: int) -> tuple[Any, str]:
    """Store the webhook with a fresh secret; each watched channel's cursor starts at its end."""
    secret = new_secret()
    async with engine.begin() as conn:
        webhook_id = (
            await conn.execute(
                sa.insert(outgoing_webhook_table)
                .values(
                    bot_id=new.bot_id,
                    url=new.url,
                    secret=secret,
                    events=new.events,
                    channel_ids=new.channel_ids,
                    active=True,
                    created_by=created_by,
                    created_at=utcnow(),
                )
                .returning(outgoing_webhook_table.c.id)
            )
        ).scalar_one()
        if new.channel_ids:
            # Starting at the channel's last seq: a new webhook gets what comes next, not history.
            ends = await conn.execute(
                sa.select(channel_table.c.id, channel_table.c.last_seq).where(
                    channel_table.c.id.in_(new.channel_ids)
                )
            )
            await conn.execute(
                sa.insert(webhook_cursor_table),
                [
                    {"webhook_id": webhook_id, "channel_id": row.id, "last_seq": row.last_seq}
                    for row in ends
                ],
            )
        row = await load_webhook(conn, webhook_id)
    # A pass now, not at the next poll, so the sender watches the new webhook's channels
    # (and wakes for their messages) from the moment it exists.
    wake_senders()
    return row, secret


async def load_webhook(conn: AsyncConnection, webhook_id: int) -> Any:
    """An active webhook's row, or not_found."""
    w = outgoing_webhook_table
    row = (
        await conn.execute(sa.select(w).where(w.c.id == webhook_id, w.c.active.is_(True)))
    ).first()
    if row is None:
        raise HubError(ErrorCode.not_found, f"No outgoing webhook {webhook_id}.")
    return row


async def list_webhooks(conn: AsyncConnection) -> list[Any]:
    w = outgoing_webhook_table
    return list(await conn.execute(sa.select(w).where(w.c.active.is_(True)).order_by(w.c.id)))


async def delete_webhook(engine: AsyncEngine, webhook_id: int) -> None:
    """Stop sending: the webhook is deactivated, its pending deliveries fail, its log stays."""
    w, d = outgoing_webhook_table, webhook_delivery_table
    async with engine.begin() as conn:
        done = await conn.execute(
            sa.update(w).where(w.c.id == webhook_id, w.c.active.is_(True)).values(active=False)
        )
        if done.rowcount == 0:
            raise HubError(ErrorCode.not_found, f"No outgoing webhook {webhook_id}.")
        await conn.execute(
            sa.update(d)
            .where(d.c.webhook_id == webhook_id, d.c.status == "pending")
            .values(status="failed", next_attempt_at=None, last_error="webhook deleted")
        )
        await conn.execute(
            sa.delete(webhook_cursor_table).where(webhook_cursor_table.c.webhook_id == webhook_id)
        )


async def list_deliveries(
    conn: AsyncConnection, webhook_id: int, *, status: str | None, limit: int
) -> list[tuple[Any, list[Any]]]:
    """The newest deliveries first, each with its attempts in order."""
    await load_webhook(conn, webhook_id)
    d = webhook_delivery_table
    stmt = sa.select(d).where(d.c.webhook_id == webhook_id)
    if status is not None:
        stmt = stmt.where(d.c.status == status)
    deliveries = list(await conn.execute(stmt.order_by(d.c.created_at.desc(), d.c.id).limit(limit)))
    attempts = await _attempts_of(conn, [row.id for row in deliveries])
    return [(row, attempts.get(row.id, [])) for row in deliveries]


async def _attempts_of(conn: AsyncConnection, delivery_ids: Iterable[str]) -> dict[str, list[Any]]:
    ids = list(delivery_ids)
    if not ids:
        return {}
    a = webhook_attempt_table
    grouped: dict[str, list[Any]] = {}
    for row in await conn.execute(
        sa.select(a).where(a.c.delivery_id.in_(ids)).order_by(a.c.delivery_id, a.c.attempt)
    ):
        grouped.setdefault(row.delivery_id, []).append(row)
    return grouped


async def retry_delivery(
    engine: AsyncEngine, webhook_id: int, delivery_id: str
) -> tuple[Any, list[Any]]:
    """Send a pending or failed delivery now. A failed one gets one more attempt, not a new schedule."""
    d = webhook_delivery_table
    async with engine.begin() as conn:
        moved = await conn.execute(
            sa.update(d)
            .where(
                d.c.id == delivery_id,
                d.c.webhook_id == webhook_id,
                d.c.status.in_(("pending", "failed")),
            )
            .values(status="pending", next_attempt_at=utcnow())
        )
        await load_webhook(conn, webhook_id)
        row = (
            await conn.execute(
                sa.select(d).where(d.c.id == delivery_id, d.c.webhook_id == webhook_id)
            )
        ).first()
        if row is None:
            raise HubError(
                ErrorCode.not_found, f"No delivery {delivery_id} of outgoing webhook {webhook_id}."
            )
        if moved.rowcount == 0:
            raise HubError(
                ErrorCode.conflict,
                f"Delivery {delivery_id} was already delivered; the receiver acknowledged it.",
            )
        attempts = (await _attempts_of(conn, [delivery_id])).get(delivery_id, [])
    wake_senders()
    return row, attempts
