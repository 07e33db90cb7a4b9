"""Messages over HTTP: pages of a channel, send (idempotent by client_msg_id), threads, edit, delete, react.

Sends go through the same SendMessage operation as the WebSocket, so a message posted
here and resent there with the same client_msg_id is still one message.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from hub import permissions
from hub.actions.messages import (
    CLIENT_MSG_ID,
    EMOJI,
    ChangeReaction,
    DeleteMessage,
    EditMessage,
    SendMessage,
    check_client_msg_id,
    check_emoji,
    check_text,
    message_out,
    reactions_for,
)
from hub.cards import validate_card
from hub.db import execute
from hub.errors import ErrorCode, HubError
from hub.http import ApiRoute, Param, current_person, hub_of, json_body, json_response
from hub.models import message_table
from hub.wire.inputs import NOT_BLANK, MessageId
from hub.wire.server import MessageOut, Wire


class MessagePage(Wire):
    """Messages in ascending seq order, with the cursors for the pages on either side."""

    messages: list[MessageOut]
    has_more: bool
    """More messages lie beyond this page in the direction asked (older for `before`, newer for `after`)."""
    before: int
    """Pass as `before` for the older page."""
    after: int
    """Pass as `after` for the newer page."""


class ThreadPage(Wire):
    """A thread root and a page of its replies in seq order."""

    root: MessageOut
    replies: list[MessageOut]
    has_more: bool
    after: int
    """Pass as `after` for the next page of replies."""


class MessageResponse(Wire):
    """The message."""

    message: MessageOut


class SentResponse(Wire):
    """The message; `duplicate` is true when this client_msg_id was already sent."""

    message: MessageOut
    duplicate: bool


class SendBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str
    # The pattern is documented; the action checks it with a message that says what to do.
    client_msg_id: str = Field(
        description="1-64 characters of letters, digits and . _ : -; resending it returns the original.",
        json_schema_extra={"pattern": CLIENT_MSG_ID.pattern},
    )
    thread_root_id: MessageId | None = None
    card: dict[str, Any] | None = Field(
        default=None, description="A card (docs/cards.md); bots only. `text` may be empty then."
    )


class EditBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(json_schema_extra={"pattern": NOT_BLANK})


class ReactionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    emoji: str = Field(json_schema_extra={"pattern": EMOJI.pattern})


def _int_param(request: Request, name: str) -> int:
    value: int = request.path_params[name]
    return value


async def _with_reactions(session: AsyncSession, rows: list[Any]) -> list[MessageOut]:
    conn = await session.connection()
    reactions = await reactions_for(conn, [row.id for row in rows])
    return [message_out(row, reactions.get(row.id)) for row in rows]


BEFORE = Param(
    "before",
    "int",
    "Messages with a seq below this (older). Without before or after: the latest.",
    minimum=1,
)
AFTER = Param("after", "int", "Messages with a seq above this (newer).", minimum=0)
LIMIT = Param("limit", "int", "Page size.", default=50, minimum=1, maximum=200)


async def list_messages(request: Request) -> Response:
    """A page of a channel's top-level messages (replies live in threads), oldest first."""
    hub = hub_of(request)
    viewer = await current_person(request)
    channel_id = _int_param(request, "channel_id")
    before, after, limit = BEFORE.read(request), AFTER.read(request), LIMIT.read(request)
    if before is not None and after is not None:
        raise HubError(ErrorCode.validation_failed, "Give `before` or `after`, not both.")
    m = message_table
    stmt = sa.select(m).where(m.c.channel_id == channel_id, m.c.thread_root_id.is_(None))
    newer = after is not None
    if newer:
        stmt = stmt.where(m.c.seq > after).order_by(m.c.seq)
    else:
        if before is not None:
            stmt = stmt.where(m.c.seq < before)
        stmt = stmt.order_by(m.c.seq.desc())
    async with hub.sessions() as session:
        channel, _ = await permissions.check_read_channel(session, viewer, channel_id)
        rows = list((await execute(session, stmt.limit(limit + 1))).all())
        has_more = len(rows) > limit
        rows = rows[:limit]
        if not newer:
            rows.reverse()
        messages = await _with_reactions(session, rows)
    if messages:
        cursor_before, cursor_after = messages[0].seq, messages[-1].seq
    elif newer:
        cursor_before, cursor_after = after + 1, after
    else:
        edge = before if before is not None else channel.last_seq + 1
        cursor_before, cursor_after = edge, edge - 1
    return json_response(
        MessagePage(messages=messages, has_more=has_more, before=cursor_before, after=cursor_after)
    )


async def send_message(request: Request) -> Response:
    """Send a message (or a reply, with thread_root_id). Resending a client_msg_id returns the original."""
    hub = hub_of(request)
    viewer = await current_person(request)
    channel_id = _int_param(request, "channel_id")
    body = await json_body(request, SendBody)
    async with hub.sessions() as session:
        await permissions.check_post(session, viewer, channel_id)
    card = None
    if body.card is not None:
        permissions.check_post_card(viewer)
        card = validate_card(body.card)
    text = check_text(
        body.text or (str(card["fallback"]) if card else ""), hub.settings.max_message_chars
    )
    client_msg_id = check_client_msg_id(body.client_msg_id)
    await hub.send_limiter.check(viewer.id or 0)
    sent = await hub.writer.submit(
        SendMessage(
            channel_id=channel_id,
            sender=viewer,
            text=text,
            client_msg_id=client_msg_id,
            thread_root_id=body.thread_root_id,
            card=card,
        )
    )
    status = 200 if sent.duplicate else 201
    return json_response(
        SentResponse(message=sent.message, duplicate=sent.duplicate), status=status
    )


async def get_message(request: Request) -> Response:
    """One message you can read."""
    hub = hub_of(request)
    viewer = await current_person(request)
    message_id = _int_param(request, "message_id")
    async with hub.sessions() as session:
        await permissions.check_read_message(session, viewer, message_id)
        row = (
            await execute(session, sa.select(message_table).where(message_table.c.id == message_id))
        ).one()
        (message,) = await _with_reactions(session, [row])
    return json_response(MessageResponse(message=message))


REPLIES_AFTER = Param("after", "int", "Replies with a seq above this.", default=0, minimum=0)


async def list_replies(request: Request) -> Response:
    """A thread: its root and a page of replies. Asking with a reply's id gives its thread."""
    hub = hub_of(request)
    viewer = await current_person(request)
    message_id = _int_param(request, "message_id")
    after, limit = REPLIES_AFTER.read(request), LIMIT.read(request)
    m = message_table
    async with hub.sessions() as session:
        message, _ = await permissions.check_read_message(session, viewer, message_id)
        root_id = message.thread_root_id or message_id
        root = (await execute(session, sa.select(m).where(m.c.id == root_id))).one()
        rows = list(
            (
                await execute(
                    session,
                    sa.select(m)
                    .where(m.c.thread_root_id == root_id, m.c.seq > after)
                    .order_by(m.c.seq)
                    .limit(limit + 1),
                )
            ).all()
        )
        has_more = len(rows) > limit
        rows = rows[:limit]
        root_out, *replies = await _with_reactions(session, [root, *rows])
    cursor = replies[-1].seq if replies else after
    return json_response(
        ThreadPage(root=root_out, replies=replies, has_more=has_more, after=cursor)
    )


async def edit_message(request: Request) -> Response:
    """Change the text of your own message."""
    hub = hub_of(request)
    viewer = await current_person(request)
    message_id = _int_param(request, "message_id")
    body = await json_body(request, EditBody)
    async with hub.sessions() as session:
        await permissions.check_edit_message(session, viewer, message_id)
    text = check_text(body.text, hub.settings.max_message_chars)
    message = await hub.writer.submit(
        EditMessage(message_id=message_id, editor_id=viewer.id or 0, text=text)
    )
    return json_response(MessageResponse(message=message))


async def delete_message(request: Request) -> Response:
    """Delete a message: your own, or any as a channel owner or admin. A tombstone stays in its place."""
    hub = hub_of(request)
    viewer = await current_person(request)
    message_id = _int_param(request, "message_id")
    async with hub.sessions() as session:
        await permissions.check_delete_message(session, viewer, message_id)
    await hub.writer.submit(DeleteMessage(message_id=message_id, deleter=viewer))
    return Response(status_code=204)


async def _react(request: Request, emoji: str, add: bool) -> Response:
    hub = hub_of(request)
    viewer = await current_person(request)
    message_id = _int_param(request, "message_id")
    async with hub.sessions() as session:
        await permissions.check_react(session, viewer, message_id)
    emoji = check_emoji(emoji)
    await hub.writer.submit(
        ChangeReaction(message_id=message_id, person_id=viewer.id or 0, emoji=emoji, add=add)
    )
    return Response(status_code=204)


async def add_reaction(request: Request) -> Response:
    """React with an emoji; reacting twice changes nothing."""
    body = await json_body(request, ReactionBody)
    return await _react(request, body.emoji, add=True)


async def remove_reaction(request: Request) -> Response:
    """Take your reaction back; taking back one you did not give changes nothing."""
    emoji: str = request.path_params["emoji"]
    return await _react(request, emoji, add=False)


TAG = "messages"
_M = "/api/v1/messages/{message_id:int}"
_POST_ERRORS = (
    ErrorCode.message_not_found,
    ErrorCode.not_a_member,
    ErrorCode.channel_archived,
    ErrorCode.conflict,
    ErrorCode.forbidden,
)
routes: list[BaseRoute] = [
    ApiRoute(
        "GET",
        "/api/v1/channels/{channel_id:int}/messages",
        list_messages,
        summary="A page of messages",
        tag=TAG,
        query=(BEFORE, AFTER, LIMIT),
        responses={200: MessagePage},
        errors=(ErrorCode.channel_not_found,),
    ),
    ApiRoute(
        "POST",
        "/api/v1/channels/{channel_id:int}/messages",
        send_message,
        summary="Send a message",
        tag=TAG,
        body=SendBody,
        responses={201: SentResponse, 200: SentResponse},
        errors=(
            ErrorCode.channel_not_found,
            ErrorCode.not_a_member,
            ErrorCode.channel_archived,
            ErrorCode.message_too_long,
            ErrorCode.card_invalid,
            ErrorCode.forbidden,
            ErrorCode.rate_limited,
            ErrorCode.message_not_found,
        ),
    ),
    ApiRoute(
        "GET",
        _M,
        get_message,
        summary="A message",
        tag=TAG,
        responses={200: MessageResponse},
        errors=(ErrorCode.message_not_found,),
    ),
    ApiRoute(
        "GET",
        _M + "/replies",
        list_replies,
        summary="A thread",
        tag=TAG,
        query=(REPLIES_AFTER, LIMIT),
        responses={200: ThreadPage},
        errors=(ErrorCode.message_not_found,),
    ),
    ApiRoute(
        "PATCH",
        _M,
        edit_message,
        summary="Edit a message",
        tag=TAG,
        body=EditBody,
        responses={200: MessageResponse},
        errors=(*_POST_ERRORS, ErrorCode.message_too_long),
    ),
    ApiRoute(
        "DELETE",
        _M,
        delete_message,
        summary="Delete a message",
        tag=TAG,
        responses={204: None},
        errors=_POST_ERRORS,
    ),
    ApiRoute(
        "POST",
        _M + "/reactions",
        add_reaction,
        summary="React to a message",
        tag=TAG,
        body=ReactionBody,
        responses={204: None},
        errors=_POST_ERRORS,
    ),
    ApiRoute(
        "DELETE",
        _M + "/reactions/{emoji}",
        remove_reaction,
        summary="Take back a reaction",
        tag=TAG,
        responses={204: None},
        errors=(*_POST_ERRORS, ErrorCode.validation_failed),
    ),
]
