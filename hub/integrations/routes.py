"""Webhooks over HTTP: the admin API for outgoing webhooks, incoming webhook management, and /hooks/{key}.

Handlers check with hub.permissions first, then call hub.integrations.outgoing and
hub.integrations.incoming; they write nothing themselves. See docs/integrations.md.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute

from hub import permissions
from hub.auth.tokens import token_hash
from hub.errors import ErrorCode
from hub.http import ApiRoute, Param, current_person, hub_of, json_body, json_response
from hub.integrations import incoming, outgoing
from hub.models import from_row
from hub.wire.inputs import NOT_BLANK, ChannelId, PersonId
from hub.wire.server import Wire

# Shapes


class OutgoingWebhookOut(Wire):
    id: int
    bot_id: int
    url: str
    events: list[str]
    channel_ids: list[int]
    created_by: int | None
    created_at: datetime


class OutgoingWebhookCreated(Wire):
    """The webhook and its signing secret, shown this once: store it in the receiver now."""

    webhook: OutgoingWebhookOut
    secret: str


class WebhookEventOut(Wire):
    type: str
    bot: str | None = Field(description="The bot that emits it; null for the hub's own events.")
    description: dict[str, str] = Field(description="What it means, per language (zh-CN, en).")
    example: dict[str, Any] = Field(description="An example of the event's `data`.")


class WebhookEventList(Wire):
    """The event types a webhook may subscribe to on this hub."""

    events: list[WebhookEventOut]


class OutgoingWebhookList(Wire):
    """The active outgoing webhooks (without their secrets)."""

    webhooks: list[OutgoingWebhookOut]


class WebhookAttemptOut(Wire):
    attempt: int
    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int


class WebhookDeliveryOut(Wire):
    id: str
    """The `webhook-id` header, the same on every attempt."""
    event_type: str
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    payload: str
    """The exact body sent on every attempt."""
    attempt_log: list[WebhookAttemptOut]


class WebhookDeliveryList(Wire):
    """Deliveries, newest first, each with its attempts."""

    deliveries: list[WebhookDeliveryOut]


class WebhookDeliveryResponse(Wire):
    """The delivery, due now."""

    delivery: WebhookDeliveryOut


class IncomingWebhookOut(Wire):
    id: int
    channel_id: int
    bot_id: int
    """The bot person the webhook posts as."""
    name: str
    created_by: int | None
    created_at: datetime


class IncomingWebhookCreated(Wire):
    """The webhook and its URL, shown this once: the key in the URL is the credential."""

    webhook: IncomingWebhookOut
    url: str


class IncomingWebhookList(Wire):
    """Active incoming webhooks (without their URLs)."""

    webhooks: list[IncomingWebhookOut]


class HookPosted(Wire):
    """Posted (or, with a repeated idempotency key, already posted). Slack-shaped bodies get `ok` as text/plain instead."""

    ok: Literal[True]
    message_id: int
    channel_id: int
    seq: int
    duplicate: bool


class OutgoingBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bot_id: PersonId = Field(description="The bot person of the integration that owns the webhook.")
    url: str = Field(
        description="http:// or https:// address that receives the POSTs.",
        json_schema_extra={
            "pattern": outgoing.URL_PATTERN.pattern,
            "maxLength": outgoing.URL_MAX,
        },
    )
    events: list[str] = Field(
        description="Among message.new, card.action and the events the enabled bots declare"
        " (GET /api/v1/webhooks/events).",
        json_schema_extra={
            "minItems": 1,
            "items": {"type": "string", "pattern": outgoing.EVENT_NAME_PATTERN},
        },
    )
    channel_ids: list[ChannelId] = Field(
        default_factory=list, description="The channels whose messages message.new sends."
    )


class IncomingBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel_id: ChannelId
    name: str = Field(
        description='Shown as the bot\'s display name, e.g. "CI builds".',
        json_schema_extra={"pattern": NOT_BLANK, "maxLength": incoming.NAME_MAX},
    )


class HookPayload(BaseModel):
    """The hub's payload (`text`, `card`, `client_msg_id`) or Slack's incoming-webhook payload."""

    model_config = ConfigDict(extra="allow")

    text: str | None = None
    card: dict[str, Any] | None = Field(
        default=None, description="A card document (docs/cards.md)."
    )
    client_msg_id: str | None = None
    blocks: list[dict[str, Any]] | None = Field(default=None, description="Slack Block Kit blocks.")
    attachments: list[dict[str, Any]] | None = Field(
        default=None, description="Slack legacy attachments."
    )
    mrkdwn: bool | None = None


# Outgoing webhooks (admins)


def _delivery_out(row: Any, attempts: list[Any]) -> WebhookDeliveryOut:
    return from_row(
        WebhookDeliveryOut,
        row,
        attempt_log=[from_row(WebhookAttemptOut, attempt) for attempt in attempts],
    )


_MANAGE = "manage outgoing webhooks"


async def create_outgoing(request: Request) -> Response:
    """Register an integration's endpoint; the answer carries the signing secret, shown once."""
    hub = hub_of(request)
    viewer = await current_person(request)
    permissions.check_admin(viewer, _MANAGE)
    body = await json_body(request, OutgoingBody)
    async with hub.engine.connect() as conn:
        new = await outgoing.check_new_webhook(
            conn,
            body.bot_id,
            body.url,
            body.events,
            body.channel_ids,
            known=[event.type for event in _event_catalogue(request)],
        )
    row, secret = await outgoing.create_webhook(hub.engine, new, viewer.id or 0)
    return json_response(
        OutgoingWebhookCreated(webhook=from_row(OutgoingWebhookOut, row), secret=secret), status=201
    )


_CORE_EVENTS = [
    WebhookEventOut(
        type="message.new",
        bot=None,
        description={
            "en": "A message or thread reply in a channel the webhook watches.",
            "zh-CN": "所关注频道中的新消息或话题回复。",
        },
        example={"channel_id": 12, "seq": 340, "message": {"id": 355, "text": "…"}},
    ),
    WebhookEventOut(
        type="card.action",
        bot=None,
        description={
            "en": "Someone acted on a card of the webhook's bot.",
            "zh-CN": "有人操作了该机器人的卡片。",
        },
        example={"message_id": 355, "action_id": "approve", "values": {}, "person": {"id": 3}},
    ),
]


def _event_catalogue(request: Request) -> list[WebhookEventOut]:
    declared = [
        WebhookEventOut(
            type=event.type,
            bot=event.bot,
            description=event.description,
            example=event.example,
        )
        for event in hub_of(request).bots.declared_events()
    ]
    return _CORE_EVENTS + declared


async def list_event_types(request: Request) -> Response:
    """The hub's own events and those the enabled bots declare, with an example of each."""
    viewer = await current_person(request)
    permissions.check_admin(viewer, _MANAGE)
    return json_response(WebhookEventList(events=_event_catalogue(request)))


async def list_outgoing(request: Request) -> Response:
    """The active outgoing webhooks; secrets are never shown again."""
    hub = hub_of(request)
    viewer = await current_person(request)
    permissions.check_admin(viewer, _MANAGE)
    async with hub.engine.connect() as conn:
        rows = await outgoing.list_webhooks(conn)
    return json_response(
        OutgoingWebhookList(webhooks=[from_row(OutgoingWebhookOut, row) for row in rows])
    )


async def delete_outgoing(request: Request) -> Response:
    """Stop sending to this webhook; deliveries still pending fail, the log stays."""
    hub = hub_of(request)
    viewer = await current_person(request)
    permissions.check_admin(viewer, _MANAGE)
    await outgoing.delete_webhook(hub.engine, request.path_params["webhook_id"])
    return Response(status_code=204)


STATUS = Param(
    "status",
    "str",
    "Only deliveries in this state: pending, delivered or failed.",
    choices=("pending", "delivered", "failed"),
)
LIMIT = Param("limit", "int", "Page size.", default=50, minimum=1, maximum=200)


async def list_deliveries(request: Request) -> Response:
    """The delivery log: each event sent to this webhook, with every attempt."""
    hub = hub_of(request)
    viewer = await current_person(request)
    permissions.check_admin(viewer, _MANAGE)
    status, limit = STATUS.read(request), LIMIT.read(request)
    async with hub.engine.connect() as conn:
        found = await outgoing.list_deliveries(
            conn, request.path_params["webhook_id"], status=status, limit=limit
        )
    return json_response(
        WebhookDeliveryList(deliveries=[_delivery_out(row, log) for row, log in found])
    )


async def retry_delivery(request: Request) -> Response:
    """Send a pending or failed delivery now (a failed one gets one more attempt)."""
    hub = hub_of(request)
    viewer = await current_person(request)
    permissions.check_admin(viewer, _MANAGE)
    row, attempts = await outgoing.retry_delivery(
        hub.engine, request.path_params["webhook_id"], request.path_params["delivery_id"]
    )
    return json_response(WebhookDeliveryResponse(delivery=_delivery_out(row, attempts)))


# Incoming webhooks (staff)


async def create_incoming(request: Request) -> Response:
    """Make a URL that posts into the channel as a new bot; the URL is shown once."""
    hub = hub_of(request)
    viewer = await current_person(request)
    permissions.check_staff_integrations(viewer)
    body = await json_body(request, IncomingBody)
    name = incoming.check_hook_name(body.name)
    async with hub.sessions() as session:
        await permissions.check_create_incoming_webhook(session, viewer, body.channel_id)
    key = incoming.new_key()
    created = await hub.writer.submit(
        incoming.CreateIncomingWebhook(
            channel_id=body.channel_id,
            name=name,
            creator=viewer,
            key_hash=token_hash(hub.secret, key),
        )
    )
    async with hub.engine.connect() as conn:
        row = await incoming.load_hook(conn, created.id)
    url = str(request.base_url).rstrip("/") + "/hooks/" + key
    return json_response(
        IncomingWebhookCreated(webhook=from_row(IncomingWebhookOut, row), url=url), status=201
    )


CHANNEL = Param(
    "channel_id",
    "id",
    "Only this channel's webhooks (required unless admin).",
    not_found=ErrorCode.channel_not_found,
)


async def list_incoming(request: Request) -> Response:
    """Incoming webhooks: a channel's (to staff who may post there) or all (to admins)."""
    hub = hub_of(request)
    viewer = await current_person(request)
    channel_id = CHANNEL.read(request)
    async with hub.sessions() as session:
        await permissions.check_list_incoming_webhooks(session, viewer, channel_id)
        rows = await incoming.list_hooks(await session.connection(), channel_id)
    return json_response(
        IncomingWebhookList(webhooks=[from_row(IncomingWebhookOut, row) for row in rows])
    )


async def delete_incoming(request: Request) -> Response:
    """Revoke the URL at once; the bot's past messages stay."""
    hub = hub_of(request)
    viewer = await current_person(request)
    permissions.check_staff_integrations(viewer)
    hook_id: int = request.path_params["hook_id"]
    async with hub.sessions() as session:
        conn = await session.connection()
        hook = await incoming.load_hook(conn, hook_id)
        if not await permissions.check_delete_incoming_webhook(
            session, viewer, hook.channel_id, hook.created_by
        ):
            raise incoming.hook_not_found(hook_id)
        await incoming.revoke_hook(conn, hook_id)
        await session.commit()
    return Response(status_code=204)


async def post_hook(request: Request) -> Response:
    """Post into the webhook's channel. The key in the path is the credential.

    A body with `card` or `client_msg_id` is the hub's payload and is answered with JSON;
    any other body is read as Slack's incoming-webhook payload and answered `ok`
    (text/plain), as Slack does. An `Idempotency-Key` header (or `client_msg_id`) makes
    a retry post once.
    """
    hub = hub_of(request)
    posted = await incoming.post_to_hook(hub, request, request.path_params["key"])
    if posted.slack:
        return PlainTextResponse("ok")
    message = posted.message
    return json_response(
        HookPosted(
            ok=True,
            message_id=message.id,
            channel_id=message.channel_id,
            seq=message.seq,
            duplicate=posted.duplicate,
        )
    )


TAG = "webhooks"
_OUT = "/api/v1/webhooks/outgoing"
_IN = "/api/v1/webhooks/incoming"
routes: list[BaseRoute] = [
    ApiRoute(
        "POST",
        _OUT,
        create_outgoing,
        summary="Create an outgoing webhook",
        tag=TAG,
        body=OutgoingBody,
        responses={201: OutgoingWebhookCreated},
        errors=(ErrorCode.forbidden, ErrorCode.person_not_found, ErrorCode.channel_not_found),
    ),
    ApiRoute(
        "GET",
        "/api/v1/webhooks/events",
        list_event_types,
        summary="Event types webhooks may subscribe to",
        tag=TAG,
        responses={200: WebhookEventList},
        errors=(ErrorCode.forbidden,),
    ),
    ApiRoute(
        "GET",
        _OUT,
        list_outgoing,
        summary="Outgoing webhooks",
        tag=TAG,
        responses={200: OutgoingWebhookList},
        errors=(ErrorCode.forbidden,),
    ),
    ApiRoute(
        "DELETE",
        _OUT + "/{webhook_id:int}",
        delete_outgoing,
        summary="Delete an outgoing webhook",
        tag=TAG,
        responses={204: None},
        errors=(ErrorCode.forbidden, ErrorCode.not_found),
    ),
    ApiRoute(
        "GET",
        _OUT + "/{webhook_id:int}/deliveries",
        list_deliveries,
        summary="An outgoing webhook's delivery log",
        tag=TAG,
        query=(STATUS, LIMIT),
        responses={200: WebhookDeliveryList},
        errors=(ErrorCode.forbidden, ErrorCode.not_found),
    ),
    ApiRoute(
        "POST",
        _OUT + "/{webhook_id:int}/deliveries/{delivery_id}/retry",
        retry_delivery,
        summary="Retry a delivery now",
        tag=TAG,
        responses={200: WebhookDeliveryResponse},
        errors=(ErrorCode.forbidden, ErrorCode.not_found, ErrorCode.conflict),
    ),
    ApiRoute(
        "POST",
        _IN,
        create_incoming,
        summary="Create an incoming webhook",
        tag=TAG,
        body=IncomingBody,
        responses={201: IncomingWebhookCreated},
        errors=(
            ErrorCode.forbidden,
            ErrorCode.channel_not_found,
            ErrorCode.not_a_member,
            ErrorCode.channel_archived,
        ),
    ),
    ApiRoute(
        "GET",
        _IN,
        list_incoming,
        summary="Incoming webhooks",
        tag=TAG,
        query=(CHANNEL,),
        responses={200: IncomingWebhookList},
        errors=(ErrorCode.forbidden, ErrorCode.channel_not_found, ErrorCode.not_a_member),
    ),
    ApiRoute(
        "DELETE",
        _IN + "/{hook_id:int}",
        delete_incoming,
        summary="Revoke an incoming webhook",
        tag=TAG,
        responses={204: None},
        errors=(ErrorCode.forbidden, ErrorCode.not_found),
    ),
    ApiRoute(
        "POST",
        "/hooks/{key}",
        post_hook,
        summary="Post through an incoming webhook",
        tag=TAG,
        body=HookPayload,
        auth=False,
        responses={200: HookPosted},
        text_responses={200: "ok"},
        errors=(
            ErrorCode.not_found,
            ErrorCode.payload_too_large,
            ErrorCode.card_invalid,
            ErrorCode.message_too_long,
            ErrorCode.rate_limited,
            ErrorCode.channel_not_found,
            ErrorCode.not_a_member,
            ErrorCode.channel_archived,
        ),
    ),
]
