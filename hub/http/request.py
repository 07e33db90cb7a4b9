"""What every HTTP handler reads from a request: the hub's state, the signed-in person, a parsed JSON body.

Authentication is a session cookie (web client) or `Authorization: Bearer` (API clients).
A cookie-authenticated request that changes something must show it comes from an allowed
origin (Origin, else Referer; neither is refused), so another site cannot make a signed-in
browser act (SameSite=Lax covers the rest). Bearer tokens are not sent by browsers on
their own, so bearer requests are not checked.
"""

from __future__ import annotations

from typing import Any, TypeVar
from urllib.parse import urlsplit

import orjson
from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from hub.auth.tokens import SESSION_COOKIE, resolve_token, token_hash
from hub.errors import ErrorCode, HubError
from hub.models import Person
from hub.state import HubState
from hub.wire.inputs import input_error, refuse_nul

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


def check_origin(request: Request, *, required: bool = True) -> None:
    """Where a browser's request comes from, as OWASP's CSRF guidance checks it: the Origin
    header, else the origin of the Referer; a header that is there must name an allowed
    origin. With neither, a cookie-authenticated change is refused (`required`): browsers
    send Origin on every POST, PATCH and DELETE, so only a stripped request lacks both. A
    sign-in carries no cookie yet and passes `required=False`, so scripts can sign in."""
    origin = request.headers.get("origin")
    if origin is not None:
        if origin == "null":
            raise HubError(
                ErrorCode.origin_not_allowed,
                "Requests from an opaque origin (Origin: null) are refused; send the request from the hub's own pages.",
            )
        _check_allowed(request, origin.rstrip("/"), "Origin")
        return
    referer = request.headers.get("referer")
    if referer is not None:
        _check_allowed(request, _origin_of(referer), "The Referer's origin")
        return
    if required:
        raise HubError(
            ErrorCode.origin_not_allowed,
            "A change made with the session cookie needs an Origin or Referer header from an "
            "allowed origin, and this request has neither. Browsers send one; a script should "
            'sign in with `"client": "api"` and send `Authorization: Bearer <token>` instead.',
        )


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2].lower()  # browsers strip credentials; be sure
    return f"{parts.scheme.lower()}://{host}" if parts.scheme and host else url


def _check_allowed(request: Request, origin: str, what: str) -> None:
    if origin not in hub_of(request).settings.allowed_origins:
        raise HubError(
            ErrorCode.origin_not_allowed,
            f"{what} {origin} is not allowed; add it to HUB_ALLOWED_ORIGINS if it is yours.",
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
    request.state.session_hash = token_hash(hub.secret, token)
    return person


async def current_session_hash(request: Request) -> str:
    """The hash of the session cookie or bearer token the signed-in person showed: what a
    WebSocket ticket is issued for, so the socket ends with that session (hub.auth.access)."""
    await current_person(request)
    session_hash: str = request.state.session_hash
    return session_hash


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
    refuse_nul(data)
    try:
        # Strict: `"shared": 0` or `"seq": "5"` is refused as the document says, not coerced.
        return model.model_validate(_whole_numbers(data), strict=True)
    except ValidationError as error:
        raise input_error(error) from None


def _whole_numbers(data: Any) -> Any:
    """JSON's 5.0 is the integer 5 (as JSON Schema reads it); strict validation needs an int."""
    if isinstance(data, float) and data.is_integer():
        return int(data)
    if isinstance(data, list):
        return [_whole_numbers(item) for item in data]
    if isinstance(data, dict):
        return {key: _whole_numbers(value) for key, value in data.items()}
    return data
