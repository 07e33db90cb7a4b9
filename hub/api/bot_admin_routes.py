"""Bots and their tokens over HTTP: listing bots, registering an external bot, tokens made and revoked.

Listing is for staff (to add a bot to a channel); everything else is for admins
(hub.permissions.check_admin). A token is in the response once and never again.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import col, select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from hub import permissions
from hub.auth.bot_tokens import (
    TOKEN_ID_LENGTH,
    bot_person,
    create_bot_token,
    list_bot_tokens,
    revoke_bot_token,
)
from hub.bots.external import BOT_USERNAME, register_external_bot
from hub.errors import ErrorCode
from hub.http import ApiRoute, current_person, hub_of, json_body, json_response
from hub.models import Bot, Person, from_row
from hub.wire.inputs import NOT_BLANK
from hub.wire.server import Wire

TAG = "bots"


class BotOut(Wire):
    id: int
    """The bot user's person id."""
    name: str
    display_name: str
    kind: str
    """plugin (runs inside the hub) or external (uses the API with a bot token)."""
    description: str
    avatar: str | None
    commands: list[str]


class BotList(Wire):
    bots: list[BotOut]


class TokenOut(Wire):
    token_id: str
    created_at: datetime
    revoked_at: datetime | None


class TokenList(Wire):
    tokens: list[TokenOut]


class NewToken(Wire):
    """The token, shown this once: keep it in your integration's secret store."""

    token: str
    token_id: str
    bot_id: int


class NewBotBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        description="Username of the bot user: 2-40 of a-z 0-9 - _.",
        json_schema_extra={"pattern": BOT_USERNAME.pattern},
    )
    display_name: str = Field(
        min_length=1, max_length=200, json_schema_extra={"pattern": NOT_BLANK}
    )
    description: str = Field(default="", max_length=500)
    avatar: str | None = Field(default=None, max_length=500)


def _bot_out(row: Bot, person: Person, commands: list[str]) -> BotOut:
    # Two rows make one bot: the id and display name are the bot user's.
    return from_row(BotOut, row, id=person.id, display_name=person.display_name, commands=commands)


async def list_bots(request: Request) -> Response:
    """Every bot: plug-ins running in the hub and external bots."""
    hub = hub_of(request)
    viewer = await current_person(request)
    permissions.check_directory(viewer)
    commands: dict[int, list[str]] = {}
    for info in hub.bots.commands():
        commands.setdefault(info.bot_id, []).append(info.name)
    async with hub.sessions() as session:
        rows = await session.exec(
            select(Bot, Person)
            .join(Person, col(Person.id) == col(Bot.person_id))
            .order_by(col(Bot.name))
        )
        bots = [_bot_out(row, person, commands.get(person.id or 0, [])) for row, person in rows]
    return json_response(BotList(bots=bots))


async def create_bot(request: Request) -> Response:
    """Register an external bot (admins): a bot user that acts through the API with a token."""
    hub = hub_of(request)
    viewer = await current_person(request)
    permissions.check_admin(viewer, "register bots")
    body = await json_body(request, NewBotBody)
    async with hub.sessions() as session:
        row, person = await register_external_bot(
            session,
            name=body.name,
            display_name=body.display_name,
            description=body.description,
            avatar=body.avatar,
            created_by=viewer.id,
        )
        out = _bot_out(row, person, [])
    return json_response(out, status=201)


async def make_token(request: Request) -> Response:
    """Make a bot token (admins). It is shown in this response only."""
    hub = hub_of(request)
    viewer = await current_person(request)
    permissions.check_admin(viewer, "make bot tokens")
    bot_id = request.path_params["bot_id"]
    async with hub.sessions() as session:
        token, token_id = await create_bot_token(session, hub.secret, bot_id)
    return json_response(NewToken(token=token, token_id=token_id, bot_id=bot_id), status=201)


async def list_tokens(request: Request) -> Response:
    """A bot's tokens by id, live and revoked (admins); never the tokens themselves."""
    hub = hub_of(request)
    viewer = await current_person(request)
    permissions.check_admin(viewer, "list bot tokens")
    bot_id = request.path_params["bot_id"]
    async with hub.sessions() as session:
        await bot_person(session, bot_id)
        tokens = await list_bot_tokens(session, bot_id)
    return json_response(TokenList(tokens=[from_row(TokenOut, t) for t in tokens]))


async def revoke_token(request: Request) -> Response:
    """Revoke a bot token (admins); it stops working at once on every process."""
    hub = hub_of(request)
    viewer = await current_person(request)
    permissions.check_admin(viewer, "revoke bot tokens")
    async with hub.sessions() as session:
        await revoke_bot_token(
            session, request.path_params["bot_id"], request.path_params["token_id"]
        )
    return Response(status_code=204)


_T = "/api/v1/bots/{bot_id:int}/tokens"
routes: list[BaseRoute] = [
    ApiRoute(
        "GET",
        "/api/v1/bots",
        list_bots,
        summary="Bots",
        tag=TAG,
        responses={200: BotList},
        errors=(ErrorCode.forbidden,),
    ),
    ApiRoute(
        "POST",
        "/api/v1/bots",
        create_bot,
        summary="Register an external bot",
        tag=TAG,
        body=NewBotBody,
        responses={201: BotOut},
        errors=(ErrorCode.forbidden, ErrorCode.already_exists),
    ),
    ApiRoute(
        "POST",
        _T,
        make_token,
        summary="Make a bot token",
        tag=TAG,
        responses={201: NewToken},
        errors=(ErrorCode.forbidden, ErrorCode.not_found),
    ),
    ApiRoute(
        "GET",
        _T,
        list_tokens,
        summary="A bot's tokens",
        tag=TAG,
        responses={200: TokenList},
        errors=(ErrorCode.forbidden, ErrorCode.not_found),
    ),
    ApiRoute(
        "DELETE",
        _T + "/{token_id:str}",
        revoke_token,
        summary="Revoke a bot token",
        tag=TAG,
        responses={204: None},
        errors=(ErrorCode.forbidden, ErrorCode.not_found),
        path_schemas={
            "token_id": {
                "type": "string",
                "minLength": TOKEN_ID_LENGTH,
                "maxLength": TOKEN_ID_LENGTH,
            }
        },
    ),
]
