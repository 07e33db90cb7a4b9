"""Slash commands, card actions, forms and card updates over HTTP: the same runtime the WebSocket uses.

A command typed in the web client arrives as a `command` frame or POST here; both end in
hub.bots.runtime. See docs/bots.md and docs/cards.md.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from hub import permissions
from hub.actions.cards import UpdateCard, card_history, load_message
from hub.bots.commands import COMMAND_TEXT, CommandInfo, ShortcutInfo
from hub.bots.runtime import BotOutcome
from hub.cards import card_json_schema, validate_card
from hub.errors import ErrorCode
from hub.http import ApiRoute, Param, current_person, hub_of, json_body, json_response
from hub.wire.inputs import MessageId, StoredInt
from hub.wire.server import Ephemeral, FormOpen, MessageOut, Wire

TAG = "bots"


class CommandList(Wire):
    """Every slash command, for autocomplete."""

    commands: list[CommandInfo]


class ShortcutList(Wire):
    """The bots' entries for a message's menu ("Make this a task")."""

    shortcuts: list[ShortcutInfo]


class ShortcutBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bot: str = Field(max_length=40, description="The bot's name, from GET /api/v1/shortcuts.")
    shortcut: str = Field(max_length=50, description="The shortcut's name.")


class BotResult(Wire):
    """What the bot did: private replies and forms for you, messages it posted, the card acted on."""

    replies: list[Ephemeral]
    forms: list[FormOpen]
    messages: list[MessageOut]
    message: MessageOut | None = None
    duplicate: bool = False


class CardView(Wire):
    """A card message and the action ids you may take on it."""

    message: MessageOut
    actions: list[str]
    acting_for: dict[str, int] = Field(
        default_factory=dict,
        description="Of `actions`, those you may take only as the delegate of someone out of "
        "office: action id to whom you would act for.",
    )


class CardActionOut(Wire):
    version: int = Field(description="The card version the action was taken on.")
    action_id: str
    person_id: int = Field(description="Who took it.")
    values: dict[str, Any] = Field(description="The card's input values sent with it.")
    at: datetime
    on_behalf_of: int | None = Field(
        default=None, description="Whom person_id acted for, as their delegate (out of office)."
    )


class CardHistory(Wire):
    """Every action accepted on the card, oldest first: who did what, when, with which values."""

    actions: list[CardActionOut]


class CardResponse(Wire):
    message: MessageOut


class CommandBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(
        max_length=4000,
        description='The whole command, e.g. `/poll "Lunch?" A B`.',
        json_schema_extra={"pattern": COMMAND_TEXT},
    )
    thread_root_id: MessageId | None = None


class ActionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action_id: str = Field(max_length=50)
    version: StoredInt = Field(description="The card_version you saw; an older one is refused.")
    values: dict[str, Any] = Field(default_factory=dict)


class FormBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    values: dict[str, Any] = Field(default_factory=dict)


class CardBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    card: dict[str, Any]
    text: str | None = None
    version: StoredInt | None = Field(
        default=None, description="Refuse with card_stale unless the card is at this version."
    )


def _result(outcome: BotOutcome) -> BotResult:
    return BotResult(
        replies=outcome.replies,
        forms=outcome.forms,
        messages=outcome.messages,
        message=outcome.message,
        duplicate=outcome.duplicate,
    )


LOCALE = Param("locale", "str", "Language of the descriptions: zh-CN or en.", maximum=16)


async def list_commands(request: Request) -> Response:
    """Every slash command with its usage and description."""
    person = await current_person(request)
    locale = LOCALE.read(request) or person.locale
    return json_response(CommandList(commands=hub_of(request).bots.commands(locale)))


async def list_shortcuts(request: Request) -> Response:
    """Every bot's message shortcut, labelled in the asker's language."""
    person = await current_person(request)
    locale = LOCALE.read(request) or person.locale
    return json_response(ShortcutList(shortcuts=hub_of(request).bots.shortcuts(locale)))


async def run_shortcut(request: Request) -> Response:
    """Run a bot's shortcut on a message you can read; the bot gets the message."""
    hub = hub_of(request)
    person = await current_person(request)
    body = await json_body(request, ShortcutBody)
    outcome = await hub.bots.run_shortcut(
        person, request.path_params["message_id"], body.bot, body.shortcut
    )
    return json_response(_result(outcome))


async def run_command(request: Request) -> Response:
    """Run `/name args` in a channel; unknown names get a hint and /help lists them."""
    hub = hub_of(request)
    person = await current_person(request)
    body = await json_body(request, CommandBody)
    outcome = await hub.bots.run_command(
        person, request.path_params["channel_id"], body.text, thread_root_id=body.thread_root_id
    )
    return json_response(_result(outcome))


async def take_action(request: Request) -> Response:
    """Take an action on a card at the version you saw. A repeat of your own click is answered
    as a duplicate; anyone else's older version is refused with card_stale and the current card."""
    hub = hub_of(request)
    person = await current_person(request)
    body = await json_body(request, ActionBody)
    outcome = await hub.bots.take_action(
        person, request.path_params["message_id"], body.version, body.action_id, body.values
    )
    return json_response(_result(outcome))


async def get_card(request: Request) -> Response:
    """A card and the actions you may take on it (also as someone's delegate)."""
    hub = hub_of(request)
    person = await current_person(request)
    message_id = request.path_params["message_id"]
    async with hub.sessions() as session:
        message, _, reading_for = await permissions.check_read_card(
            session, person, message_id, hub.clock()
        )
        out = await load_message(await session.connection(), message_id)
        assert out is not None
        if out.card is None:
            return json_response(CardView(message=out, actions=[]))
        actions, acting_for = await permissions.actions_open_to(
            session, person, message, reading_for, hub.clock()
        )
    return json_response(CardView(message=out, actions=actions, acting_for=acting_for))


async def get_card_history(request: Request) -> Response:
    """Who did what on a card, when and with which values; for anyone who may read the card."""
    hub = hub_of(request)
    person = await current_person(request)
    message_id = request.path_params["message_id"]
    async with hub.sessions() as session:
        await permissions.check_read_card(session, person, message_id, hub.clock())
        history = await card_history(await session.connection(), message_id)
    return json_response(
        CardHistory(
            actions=[
                CardActionOut(
                    version=record.version,
                    action_id=record.action_id,
                    person_id=record.person_id,
                    values=record.values,
                    at=record.at,
                    on_behalf_of=record.on_behalf_of,
                )
                for record in history
            ]
        )
    )


async def update_card(request: Request) -> Response:
    """Replace your bot's card (bot token); the version goes up and everyone sees the change."""
    hub = hub_of(request)
    person = await current_person(request)
    permissions.check_post_card(person)
    body = await json_body(request, CardBody)
    message_id = request.path_params["message_id"]
    async with hub.sessions() as session:
        message, _ = await permissions.check_read_message(session, person, message_id)
    permissions.check_may_change_card(person.id, message.sender_id)
    card = validate_card(body.card)
    updated = await hub.writer.submit(
        UpdateCard(
            message_id,
            card,
            text=body.text if body.text is not None else str(card["fallback"]),
            expected_version=body.version,
            by_id=person.id,
        )
    )
    return json_response(CardResponse(message=updated))


async def submit_form(request: Request) -> Response:
    """Submit a form a bot opened for you; its values are checked against the form's inputs."""
    hub = hub_of(request)
    person = await current_person(request)
    body = await json_body(request, FormBody)
    outcome = await hub.bots.submit_form(person, request.path_params["form_id"], body.values)
    return json_response(_result(outcome))


async def card_schema(request: Request) -> Response:
    """The card document's JSON Schema (also in docs/card.schema.json)."""
    return json_response(card_json_schema())


class JsonSchema(Wire):
    """A JSON Schema document (draft 2020-12)."""

    model_config = ConfigDict(extra="allow")


_ACTION_ERRORS = (
    ErrorCode.rate_limited,
    ErrorCode.message_not_found,
    ErrorCode.not_found,
    ErrorCode.forbidden,
    ErrorCode.not_a_member,
    ErrorCode.card_stale,
    ErrorCode.channel_archived,
    ErrorCode.unknown_action,
    ErrorCode.bot_failed,
    ErrorCode.bot_timeout,
)

routes: list[BaseRoute] = [
    ApiRoute(
        "GET",
        "/api/v1/commands",
        list_commands,
        summary="Slash commands",
        tag=TAG,
        query=(LOCALE,),
        responses={200: CommandList},
    ),
    ApiRoute(
        "POST",
        "/api/v1/channels/{channel_id:int}/commands",
        run_command,
        summary="Run a slash command",
        tag=TAG,
        body=CommandBody,
        responses={200: BotResult},
        errors=(
            ErrorCode.channel_not_found,
            ErrorCode.message_not_found,
            ErrorCode.not_a_member,
            ErrorCode.channel_archived,
            ErrorCode.unknown_command,
            ErrorCode.bad_request,
            ErrorCode.rate_limited,
            ErrorCode.bot_failed,
            ErrorCode.bot_timeout,
        ),
    ),
    ApiRoute(
        "GET",
        "/api/v1/shortcuts",
        list_shortcuts,
        summary="Message shortcuts",
        tag=TAG,
        query=(LOCALE,),
        responses={200: ShortcutList},
    ),
    ApiRoute(
        "POST",
        "/api/v1/messages/{message_id:int}/shortcuts",
        run_shortcut,
        summary="Run a message shortcut",
        tag=TAG,
        body=ShortcutBody,
        responses={200: BotResult},
        errors=(
            ErrorCode.message_not_found,
            ErrorCode.unknown_action,
            ErrorCode.rate_limited,
            ErrorCode.bot_failed,
            ErrorCode.bot_timeout,
        ),
    ),
    ApiRoute(
        "GET",
        "/api/v1/messages/{message_id:int}/card",
        get_card,
        summary="A card and your actions on it",
        tag=TAG,
        responses={200: CardView},
        errors=(ErrorCode.message_not_found,),
    ),
    ApiRoute(
        "PUT",
        "/api/v1/messages/{message_id:int}/card",
        update_card,
        summary="Replace a bot's card",
        tag=TAG,
        body=CardBody,
        responses={200: CardResponse},
        errors=(
            ErrorCode.message_not_found,
            ErrorCode.forbidden,
            ErrorCode.card_invalid,
            ErrorCode.card_stale,
            ErrorCode.conflict,
        ),
    ),
    ApiRoute(
        "POST",
        "/api/v1/messages/{message_id:int}/card/actions",
        take_action,
        summary="Take an action on a card",
        tag=TAG,
        body=ActionBody,
        responses={200: BotResult},
        errors=_ACTION_ERRORS,
    ),
    ApiRoute(
        "GET",
        "/api/v1/messages/{message_id:int}/card/actions",
        get_card_history,
        summary="A card's history of actions",
        tag=TAG,
        responses={200: CardHistory},
        errors=(ErrorCode.message_not_found,),
    ),
    ApiRoute(
        "POST",
        "/api/v1/forms/{form_id:str}",
        submit_form,
        summary="Submit a form a bot opened",
        tag=TAG,
        body=FormBody,
        responses={200: BotResult},
        errors=(
            ErrorCode.not_found,
            ErrorCode.conflict,
            ErrorCode.bot_failed,
            ErrorCode.bot_timeout,
        ),
    ),
    ApiRoute(
        "GET",
        "/api/v1/cards/schema",
        card_schema,
        summary="The card JSON Schema",
        tag=TAG,
        responses={200: JsonSchema},
        auth=False,
    ),
]
