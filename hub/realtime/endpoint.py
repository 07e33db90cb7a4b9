"""The /ws endpoint: handshake, authentication, then one loop reading client frames.

Handshake: the Origin (when a browser sends one) must be allowed; the person is
authenticated by the session cookie, or else by a single-use ticket in the first frame
(`{"type": "auth", "ticket": ...}`), which must arrive within ws_auth_timeout_seconds.
Tickets never travel in the URL, so they never land in access logs.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import orjson
from pydantic import ValidationError
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from hub.auth.tokens import SESSION_COOKIE, redeem_ticket, resolve_token, token_hash
from hub.errors import ErrorCode, HubError
from hub.models import Person, utcnow
from hub.realtime.connection import CLOSE_AUTH_FAILED, CLOSE_ORIGIN_REFUSED, Connection
from hub.realtime.handlers import FrameHandlers
from hub.state import HubState
from hub.wire.client import CLIENT_FRAME_TYPES, Auth, client_frame_adapter
from hub.wire.inputs import input_error, refuse_nul
from hub.wire.server import ErrorFrame, Hello, PersonBrief

log = logging.getLogger(__name__)


class WebSocketApp:
    """/ws as a plain ASGI app, so the hot path can hand frames straight to the server's
    ASGI `send` rather than through Starlette's per-message wrappers."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await _session(WebSocket(scope, receive=receive, send=send), send)


websocket_endpoint = WebSocketApp()


async def _session(websocket: WebSocket, raw_send: Send) -> None:
    hub: HubState = websocket.app.state.hub
    origin = websocket.headers.get("origin")
    if origin is not None and origin.rstrip("/") not in hub.settings.allowed_origins:
        # Closing before accept answers the handshake with 403.
        await websocket.close(code=CLOSE_ORIGIN_REFUSED, reason="origin not allowed")
        return
    signed_in = await _person_from_cookie(websocket, hub)
    await websocket.accept()
    if signed_in is None:
        signed_in = await _person_from_auth_frame(websocket, hub)
        if signed_in is None:
            return
    person, session_hash = signed_in
    connection = Connection(websocket, person, hub, raw_send, session_hash=session_hash)
    await _serve(connection, hub)


# The person, and the hash of the session the socket lives by (hub.auth.access).
SignedIn = tuple[Person, str | None]


async def _person_from_cookie(websocket: WebSocket, hub: HubState) -> SignedIn | None:
    token = websocket.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    async with hub.sessions() as session:
        person = await resolve_token(session, hub.secret, token, ("session",))
    return (person, token_hash(hub.secret, token)) if person is not None else None


async def _person_from_auth_frame(websocket: WebSocket, hub: HubState) -> SignedIn | None:
    try:
        text = await asyncio.wait_for(
            websocket.receive_text(), timeout=hub.settings.ws_auth_timeout_seconds
        )
        data = orjson.loads(text)
        refuse_nul(data)  # a ticket holding NUL cannot be one the hub issued
        frame = Auth.model_validate(data)
    except TimeoutError:
        await websocket.close(
            CLOSE_AUTH_FAILED, "not authenticated in time: send {type: auth, ticket} first"
        )
        return None
    except (WebSocketDisconnect, RuntimeError):
        return None
    except (orjson.JSONDecodeError, ValidationError, KeyError, HubError):
        await websocket.close(CLOSE_AUTH_FAILED, "the first frame must be {type: auth, ticket}")
        return None
    async with hub.sessions() as session:
        redeemed = await redeem_ticket(session, hub.secret, frame.ticket)
        person = await session.get(Person, redeemed.person_id) if redeemed is not None else None
    if redeemed is None or person is None or not person.active:
        await websocket.close(
            CLOSE_AUTH_FAILED,
            "ticket unknown, used or expired: get a new one from /api/v1/auth/ws-ticket",
        )
        return None
    return person, redeemed.session_hash


async def _serve(connection: Connection, hub: HubState) -> None:
    handlers = FrameHandlers(connection, hub)
    writer = asyncio.create_task(connection.write_forever(), name=f"ws-writer-{connection.id}")
    try:
        await hub.delivery.attach(connection)
        connection.push(
            Hello(
                connection_id=connection.id,
                person=PersonBrief.model_validate(connection.person, from_attributes=True),
                server_time=utcnow(),
                heartbeat_seconds=hub.settings.heartbeat_seconds,
                max_frame_bytes=hub.settings.max_frame_bytes,
            ).encode()
        )
        await hub.presence.update(connection.person_id, connection.id, "online")
        await _read_frames(connection, handlers, hub)
    except WebSocketDisconnect:
        pass
    finally:
        hub.delivery.detach(connection)
        await handlers.finish()
        await connection.shutdown()
        writer.cancel()
        await asyncio.gather(writer, return_exceptions=True)
        try:
            await hub.presence.update(connection.person_id, connection.id, "offline")
        except Exception:
            log.exception("presence update on disconnect failed")


async def _read_frames(connection: Connection, handlers: FrameHandlers, hub: HubState) -> None:
    limit = hub.settings.max_frame_bytes
    while not connection.closed:
        message = await connection.websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
        text = message.get("text")
        if text is None:
            data = message.get("bytes") or b""
            try:
                text = data.decode()
            except UnicodeDecodeError:
                connection.push(_error(ErrorCode.invalid_json, "Binary frames must be UTF-8 JSON."))
                continue
        if len(text) > limit or len(text.encode()) > limit:
            connection.push(
                _error(
                    ErrorCode.frame_too_large,
                    f"Frames are limited to {limit} bytes; nothing was done.",
                )
            )
            continue
        await _handle_text(text, handlers, connection)


async def _handle_text(text: str, handlers: FrameHandlers, connection: Connection) -> None:
    try:
        raw = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        connection.push(
            _error(
                ErrorCode.invalid_json, f"The frame is not valid JSON ({error}); nothing was done."
            )
        )
        return
    ref = raw.get("ref") if isinstance(raw, dict) else None
    client_msg_id = raw.get("client_msg_id") if isinstance(raw, dict) else None
    ref = ref if isinstance(ref, str) else None
    client_msg_id = client_msg_id if isinstance(client_msg_id, str) else None
    if not isinstance(raw, dict) or raw.get("type") not in CLIENT_FRAME_TYPES:
        kind = raw.get("type") if isinstance(raw, dict) else None
        connection.push(
            _error(
                ErrorCode.unknown_frame_type,
                f"Unknown frame type {kind!r}; expected one of {', '.join(sorted(CLIENT_FRAME_TYPES))}.",
                ref,
            )
        )
        return
    try:
        refuse_nul(raw)
        frame = client_frame_adapter.validate_python(raw)
    except HubError as error:
        connection.push(_error(error.code, error.message, ref, client_msg_id, error.details))
        return
    except ValidationError as error:
        refused = input_error(error)
        connection.push(_error(refused.code, refused.message, ref, client_msg_id))
        return
    try:
        await handlers.handle(frame)
    except HubError as error:
        connection.push(_error(error.code, error.message, ref, client_msg_id, error.details))
    except Exception:
        log.exception("frame %s from connection %s failed", raw.get("type"), connection.id)
        connection.push(
            _error(
                ErrorCode.internal,
                "The server failed on this frame; it is logged. Retry.",
                ref,
                client_msg_id,
            )
        )


def _error(
    code: ErrorCode,
    message: str,
    ref: str | None = None,
    client_msg_id: str | None = None,
    details: dict[str, Any] | None = None,
) -> str:
    return ErrorFrame(
        code=code.value, message=message, ref=ref, client_msg_id=client_msg_id, details=details
    ).encode()
