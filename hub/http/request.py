"""What every HTTP handler reads from a request: the hub's state, the signed-in person, a parsed JSON body.

Authentication is a session cookie (web client) or `Authorization: Bearer` (API clients).
A cookie-authenticated request that changes something must come from an allowed Origin,
so another site cannot make a signed-in browser act (SameSite=Lax covers the rest).
"""

from __future__ import annotations

from typing import Any, TypeVar

import orjson
from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from hub.auth.tokens import SESSION_COOKIE, resolve_token
from hub.errors import ErrorCode, HubError
from hub.models import Person
from hub.state import HubState

M = TypeVar("M", bound=BaseModel)
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def hub_of(request: Request) -> HubState:
    state: HubState = request.app.state.hub
    return state


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def check_origin(request: Request) -> None:
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        # Browsers send Origin on every cross-site POST; a missing one is not a browser form.
        if origin == "null":
            raise HubError(
                ErrorCode.origin_not_allowed, "Requests from an opaque origin are refused."
            )
        return
    allowed = hub_of(request).settings.allowed_origins
    if origin.rstrip("/") not in allowed:
        raise HubError(
            ErrorCode.origin_not_allowed,
            f"Origin {origin} is not allowed; add it to HUB_ALLOWED_ORIGINS if it is yours.",
        )


async def current_person(request: Request) -> Person:
    """The signed-in person, or a 401 that says how to sign in."""
    cached: Person | None = getattr(request.state, "person", None)
    if cached is not None:
        return cached
    hub = hub_of(request)
    token = bearer_token(request)
    kinds: tuple[Any, ...] = ("bearer", "bot")
    if token is None:
        token = request.cookies.get(SESSION_COOKIE)
        kinds = ("session",)
        if token is not None and request.method not in _SAFE_METHODS:
            check_origin(request)
    if not token:
        raise HubError(
            ErrorCode.not_authenticated,
            "Sign in first: POST /api/v1/auth/sign-in, then send the cookie or `Authorization: Bearer <token>`.",
        )
    async with hub.sessions() as session:
        person = await resolve_token(session, hub.secret, token, kinds)
    if person is None:
        raise HubError(
            ErrorCode.not_authenticated,
            "Your session has ended or the token is not valid; sign in again.",
        )
    request.state.person = person
    return person


async def json_body(request: Request, model: type[M]) -> M:
    raw = await request.body()
    if len(raw) > hub_of(request).settings.max_frame_bytes:
        raise HubError(
            ErrorCode.frame_too_large,
            f"The body is over {hub_of(request).settings.max_frame_bytes} bytes.",
        )
    try:
        data = orjson.loads(raw or b"{}")
    except orjson.JSONDecodeError as error:
        raise HubError(ErrorCode.invalid_json, f"The body is not valid JSON: {error}.") from None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise HubError(ErrorCode.validation_failed, describe_validation_error(error)) from None


def describe_validation_error(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "body"
    return f"`{where}`: {first['msg']}."
