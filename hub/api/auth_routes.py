"""Signing in and out, and WebSocket tickets.

The web client gets an HttpOnly session cookie; API clients ask for a bearer token
instead (`client: "api"`) and get no cookie. A WebSocket connects with a short-lived,
single-use ticket, so the long-lived secret never appears in a URL or a log; the socket
lives as long as the session that asked for the ticket (hub.auth.access).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from hub.api.people_routes import Profile, profile_of
from hub.auth.access import CLOSE_ACCESS_ENDED
from hub.auth.signin import sign_in
from hub.auth.tokens import SESSION_COOKIE, issue_token, revoke_all_for, revoke_token, token_hash
from hub.errors import ErrorCode
from hub.http import (
    ApiRoute,
    bearer_token,
    check_origin,
    client_address,
    current_person,
    current_session_hash,
    hub_of,
    json_body,
    json_response,
)
from hub.models import utcnow
from hub.wire.server import Wire


class SignInBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)
    client: Literal["web", "api"] = "web"


class WebSignIn(Wire):
    """Signed in; the session cookie is set."""

    person: Profile


class ApiSignIn(Wire):
    """Signed in; send the token as `Authorization: Bearer <token>`."""

    person: Profile
    token: str
    expires_at: datetime


class WsTicket(Wire):
    """A single-use ticket for the WebSocket's auth frame."""

    ticket: str
    expires_in: int


async def sign_in_route(request: Request) -> Response:
    """Sign in with username and password. Five failures in the window lock the account and the address."""
    hub = hub_of(request)
    check_origin(request, required=False)  # no cookie authenticates a sign-in yet
    body = await json_body(request, SignInBody)
    ttl = timedelta(hours=hub.settings.session_ttl_hours)
    async with hub.sessions() as session:
        person = await sign_in(
            session, hub.settings, body.username, body.password, client_address(request)
        )
        assert person.id is not None
        kind: Literal["session", "bearer"] = "session" if body.client == "web" else "bearer"
        token = await issue_token(session, hub.secret, person.id, kind, ttl)
        profile = await profile_of(session, person, person)
    if body.client == "api":
        return json_response(ApiSignIn(person=profile, token=token, expires_at=utcnow() + ttl))
    response = json_response(WebSignIn(person=profile))
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(ttl.total_seconds()),
        path="/",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="lax",
    )
    return response


async def sign_out_route(request: Request) -> Response:
    """End this session or revoke this bearer token, and close the WebSockets it opened, on
    every hub process. Signing out twice is not an error."""
    hub = hub_of(request)
    token = bearer_token(request)
    if token is None:
        token = request.cookies.get(SESSION_COOKIE)
        if token is not None:
            check_origin(request)
    if token:
        async with hub.sessions() as session:
            person_id = await revoke_token(session, hub.secret, token)
        if person_id is not None:
            await hub.delivery.end_sessions(
                [person_id],
                CLOSE_ACCESS_ENDED,
                "signed out",
                session_hash=token_hash(hub.secret, token),
            )
    return _without_cookie(request)


async def sign_out_everywhere_route(request: Request) -> Response:
    """End every session and bearer token of the signed-in person (a lost phone, a shared
    computer) and close all their WebSockets, on every hub process."""
    hub = hub_of(request)
    person = await current_person(request)
    assert person.id is not None
    async with hub.sessions() as session:
        await revoke_all_for(session, person.id)
    await hub.delivery.end_sessions([person.id], CLOSE_ACCESS_ENDED, "signed out everywhere")
    return _without_cookie(request)


def _without_cookie(request: Request) -> Response:
    response = Response(status_code=204)
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="lax",
    )
    return response


async def ws_ticket_route(request: Request) -> Response:
    """A ticket for opening the WebSocket; it works once, within `expires_in` seconds."""
    hub = hub_of(request)
    person = await current_person(request)
    assert person.id is not None
    ttl = hub.settings.ws_ticket_ttl_seconds
    async with hub.sessions() as session:
        ticket = await issue_token(
            session,
            hub.secret,
            person.id,
            "ws_ticket",
            timedelta(seconds=ttl),
            parent_hash=await current_session_hash(request),
        )
    return json_response(WsTicket(ticket=ticket, expires_in=ttl))


TAG = "auth"
routes: list[BaseRoute] = [
    ApiRoute(
        "POST",
        "/api/v1/auth/sign-in",
        sign_in_route,
        summary="Sign in",
        tag=TAG,
        auth=False,
        body=SignInBody,
        responses={200: (WebSignIn, ApiSignIn)},
        errors=(
            ErrorCode.invalid_credentials,
            ErrorCode.account_deactivated,
            ErrorCode.too_many_attempts,
            ErrorCode.origin_not_allowed,
        ),
    ),
    ApiRoute(
        "POST",
        "/api/v1/auth/sign-out",
        sign_out_route,
        summary="Sign out",
        tag=TAG,
        auth=False,
        responses={204: None},
        errors=(ErrorCode.origin_not_allowed,),
    ),
    ApiRoute(
        "POST",
        "/api/v1/auth/sign-out-everywhere",
        sign_out_everywhere_route,
        summary="Sign out everywhere",
        tag=TAG,
        responses={204: None},
    ),
    ApiRoute(
        "POST",
        "/api/v1/auth/ws-ticket",
        ws_ticket_route,
        summary="Get a WebSocket ticket",
        tag=TAG,
        responses={200: WsTicket},
    ),
]
