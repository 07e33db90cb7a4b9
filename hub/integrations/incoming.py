"""Incoming webhooks: a secret URL that posts into one channel as its own bot person.

The key in the URL is the only credential, shown once; the database keeps an HMAC of it
under the hub's secret (like every token, hub.auth.tokens), so a copy of the database
cannot post. A body is the hub's own payload (`text`, `card`, `client_msg_id`) or
Slack's incoming-webhook payload (hub.integrations.slack); the hub's shape is told
apart by a `card` or `client_msg_id` key, which Slack never sends. Posting goes through
SendMessage like any other message. See docs/integrations.md.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.requests import Request

from hub.actions.channels import AddMembers
from hub.actions.messages import CLIENT_MSG_ID, SendMessage, check_text
from hub.auth.tokens import token_hash
from hub.errors import ErrorCode, HubError
from hub.integrations.models import incoming_webhook_table
from hub.integrations.slack import from_slack
from hub.models import Person, person_table, utcnow
from hub.state import HubState
from hub.wire.inputs import refuse_nul
from hub.wire.server import MessageOut
from hub.writer import Outcome, SingleOperation

NAME_MAX = 80
HUB_KEYS = frozenset({"text", "card", "client_msg_id"})
IDEMPOTENCY_KEY_MAX = 255
_SLUG = re.compile(r"[^a-z0-9]+")


def new_key() -> str:
    return secrets.token_urlsafe(32)


def check_hook_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise HubError(ErrorCode.validation_failed, '`name` is required, e.g. "CI builds".')
    name = name.strip()
    if len(name) > NAME_MAX:
        raise HubError(ErrorCode.validation_failed, f"`name` is at most {NAME_MAX} characters.")
    return name


def hook_username(name: str, hook_id: int) -> str:
    slug = _SLUG.sub("-", name.lower()).strip("-")[:40].strip("-") or "webhook"
    return f"hook-{slug}-{hook_id}"


@dataclass
class CreatedHook:
    id: int
    bot_id: int


@dataclass(eq=False)
class CreateIncomingWebhook(SingleOperation[CreatedHook]):
    """The webhook, its bot person and the bot's membership of the channel, in one transaction."""

    channel_id: int
    name: str
    creator: Person
    key_hash: str

    def actor_id(self) -> int:
        return self.creator.id or 0

    async def apply(self, conn: AsyncConnection) -> Outcome[CreatedHook]:
        now = utcnow()
        # Built through the model so every column gets its default, whatever columns people gain.
        person = Person(
            org_id=self.creator.org_id,
            username=f"hook-new-{secrets.token_hex(8)}",
            display_name=self.name,
            kind="bot",
            locale=self.creator.locale,
            time_zone=self.creator.time_zone,
            created_at=now,
        )
        bot_id = (
            await conn.execute(
                sa.insert(person_table)
                .values(person.model_dump(exclude={"id"}))
                .returning(person_table.c.id)
            )
        ).scalar_one()
        hook_id = (
            await conn.execute(
                sa.insert(incoming_webhook_table)
                .values(
                    key_hash=self.key_hash,
                    channel_id=self.channel_id,
                    bot_id=bot_id,
                    name=self.name,
                    created_by=self.creator.id,
                    created_at=now,
                    active=True,
                )
                .returning(incoming_webhook_table.c.id)
            )
        ).scalar_one()
        username = hook_username(self.name, hook_id)
        await conn.execute(
            sa.update(person_table).where(person_table.c.id == bot_id).values(username=username)
        )
        person.id, person.username = bot_id, username
        joined = await AddMembers(self.channel_id, [person], by_id=self.creator.id).apply(conn)
        return Outcome(value=CreatedHook(hook_id, bot_id), events=joined.events)


async def list_hooks(conn: AsyncConnection, channel_id: int | None) -> list[Any]:
    h = incoming_webhook_table
    stmt = sa.select(h).where(h.c.active.is_(True))
    if channel_id is not None:
        stmt = stmt.where(h.c.channel_id == channel_id)
    return list(await conn.execute(stmt.order_by(h.c.id)))


async def load_hook(conn: AsyncConnection, hook_id: int) -> Any:
    h = incoming_webhook_table
    row = (await conn.execute(sa.select(h).where(h.c.id == hook_id, h.c.active.is_(True)))).first()
    if row is None:
        raise hook_not_found(hook_id)
    return row


def hook_not_found(hook_id: int) -> HubError:
    return HubError(ErrorCode.not_found, f"No incoming webhook {hook_id} that you can manage.")


async def revoke_hook(conn: AsyncConnection, hook_id: int) -> None:
    """The URL stops working at once; the bot person stays so its past messages keep their author."""
    h = incoming_webhook_table
    await conn.execute(sa.update(h).where(h.c.id == hook_id).values(active=False))


# Posting


@dataclass
class Posted:
    message: MessageOut
    duplicate: bool
    slack: bool


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it passes `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise _too_large(limit)
    return bytes(body)


def _too_large(limit: int) -> HubError:
    return HubError(
        ErrorCode.payload_too_large,
        f"The body is over {limit} bytes, the incoming webhook limit; nothing was posted.",
    )


async def find_hook_bot(hub: HubState, key: str) -> tuple[Any, Person]:
    """The active webhook behind `key` and its bot; unknown and revoked keys get the same 404."""
    h = incoming_webhook_table
    async with hub.sessions() as session:
        conn = await session.connection()
        row = (
            await conn.execute(
                sa.select(h.c.id, h.c.channel_id, h.c.bot_id).where(
                    h.c.key_hash == token_hash(hub.secret, key), h.c.active.is_(True)
                )
            )
        ).first()
        bot = await session.get(Person, row.bot_id) if row is not None else None
    if row is None or bot is None or not bot.active:
        raise HubError(
            ErrorCode.not_found,
            "No incoming webhook at this address: the URL is wrong or was revoked. Ask for a new one.",
        )
    return row, bot


def parse_payload(raw: bytes, content_type: str) -> dict[str, Any]:
    """JSON, or Slack's form encoding (`payload=<json>`)."""
    if content_type.startswith("application/x-www-form-urlencoded"):
        form = parse_qs(raw.decode("utf-8", "replace"))
        if "payload" not in form:
            raise HubError(
                ErrorCode.invalid_json, "A form-encoded body needs a `payload` field holding JSON."
            )
        raw = form["payload"][0].encode()
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise HubError(ErrorCode.invalid_json, f"The body is not valid JSON: {error}.") from None
    if not isinstance(data, dict):
        raise HubError(ErrorCode.validation_failed, "The body must be a JSON object.")
    refuse_nul(data)
    return data


def is_hub_payload(data: dict[str, Any]) -> bool:
    return "card" in data or "client_msg_id" in data


def hub_message(data: dict[str, Any]) -> tuple[str, dict[str, Any] | None]:
    """Text and card of the hub's own payload."""
    unknown = sorted(set(data) - HUB_KEYS)
    if unknown:
        raise HubError(
            ErrorCode.validation_failed,
            f"Unknown key(s) {', '.join(unknown)}: the hub's payload has `text`, `card` and "
            "`client_msg_id` (or send Slack's payload, without `card` and `client_msg_id`).",
        )
    text = data.get("text")
    if text is not None and not isinstance(text, str):
        raise HubError(ErrorCode.validation_failed, "`text` must be a string.")
    card = None
    if data.get("card") is not None:
        from hub.cards import validate_card

        card = validate_card(data["card"])
    if not (text or "").strip():
        if card is None:
            raise HubError(
                ErrorCode.validation_failed, "no text: give `text` or `card` (nothing was posted)."
            )
        text = str(card["fallback"])
    return text or "", card


def client_msg_id_for(request: Request, data: dict[str, Any]) -> str:
    """The Idempotency-Key header or `client_msg_id`, as a message client_msg_id; else a new uuid."""
    key = request.headers.get("idempotency-key")
    if key is None and isinstance(data.get("client_msg_id"), str):
        key = data["client_msg_id"]
    elif key is None and "client_msg_id" in data:
        raise HubError(ErrorCode.validation_failed, "`client_msg_id` must be a string.")
    if key is None:
        return str(uuid.uuid4())
    if not key or len(key) > IDEMPOTENCY_KEY_MAX:
        raise HubError(
            ErrorCode.validation_failed,
            f"The idempotency key must be 1-{IDEMPOTENCY_KEY_MAX} characters.",
        )
    if CLIENT_MSG_ID.match(key):
        return key
    # Any other key is fine too: its digest fits the client_msg_id alphabet and length.
    return "ik-" + hashlib.sha256(key.encode()).hexdigest()[:40]


async def post_to_hook(hub: HubState, request: Request, key: str) -> Posted:
    hook, bot = await find_hook_bot(hub, key)
    raw = await read_body(request, hub.settings.incoming_webhook_max_bytes)
    data = parse_payload(raw, request.headers.get("content-type", ""))
    client_msg_id = client_msg_id_for(request, data)
    if is_hub_payload(data):
        text, card, slack = *hub_message(data), False
    else:
        mapped = from_slack(data)
        text, card, slack = mapped.text, mapped.card, True
    text = check_text(text, hub.settings.max_message_chars)
    await hub.send_limiter.check(bot.id or 0)
    sent = await hub.writer.submit(
        SendMessage(
            channel_id=hook.channel_id,
            sender=bot,
            text=text,
            client_msg_id=client_msg_id,
            card=card,
        )
    )
    return Posted(sent.message, sent.duplicate, slack)
