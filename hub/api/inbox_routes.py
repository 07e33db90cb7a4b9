"""Your to-do inbox: the cards waiting for you across every channel you can read.

The index and the reading rule are hub.inbox's; this is its HTTP face (docs/api.md).
"""

from __future__ import annotations

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from hub.actions.messages import message_out, reactions_for
from hub.delegation import people_acting_for
from hub.http import ApiRoute, Param, current_person, hub_of, json_response
from hub.inbox import inbox_counts, inbox_rows
from hub.wire.server import MessageOut, Wire

TAG = "people"


class InboxItem(Wire):
    """One card waiting for you, with where it is and which bot posted it."""

    message: MessageOut
    channel_id: int
    channel_name: str | None = None  # None for a direct conversation
    bot_id: int
    on_behalf_of: int | None = Field(
        default=None,
        description="Set when the card waits for someone you act for while they are out of "
        "office (and not for you): their person id.",
    )


class InboxPage(Wire):
    """The cards waiting for you, newest first, and how many there are per bot."""

    items: list[InboxItem]
    total: int
    counts: dict[str, int] = Field(description="Cards waiting for you per bot id.")
    has_more: bool
    next_before: int | None = None


LIMIT = Param("limit", "int", "Page size.", default=50, minimum=1, maximum=200)
BEFORE = Param(
    "before",
    "int",
    "Cards with a message id below this (the previous page's next_before).",
    minimum=1,
)


async def get_inbox(request: Request) -> Response:
    """The open cards waiting for you in the channels you may read, newest first, and those
    waiting for whoever you act for while they are out of office."""
    hub = hub_of(request)
    me = await current_person(request)
    limit, before = LIMIT.read(request), BEFORE.read(request)
    async with hub.engine.connect() as conn:
        absent = await people_acting_for(conn, me, hub.clock())
        rows = await inbox_rows(conn, me, limit=limit + 1, before=before, acting_for=absent)
        has_more = len(rows) > limit
        rows = rows[:limit]
        reactions = await reactions_for(conn, [row.id for row in rows])
        total, counts = await inbox_counts(conn, me, absent)
    items = [
        InboxItem(
            message=message_out(row, reactions.get(row.id)),
            channel_id=row.channel_id,
            channel_name=row.channel_name,
            bot_id=row.bot_id,
            on_behalf_of=row.waiting_for if row.waiting_for != me.id else None,
        )
        for row in rows
    ]
    return json_response(
        InboxPage(
            items=items,
            total=total,
            counts=counts,
            has_more=has_more,
            next_before=rows[-1].id if has_more and rows else None,
        )
    )


routes: list[BaseRoute] = [
    ApiRoute(
        "GET",
        "/api/v1/me/inbox",
        get_inbox,
        summary="The cards waiting for you",
        tag=TAG,
        query=(LIMIT, BEFORE),
        responses={200: InboxPage},
    ),
]
