"""Out of office: your delegation (who acts for you, from when until when) and the people
you act for. The rules are hub.delegation's; this is their HTTP face (docs/api.md).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from hub import permissions
from hub.delegation import (
    DelegationRecord,
    current_delegation,
    end_delegation,
    people_acting_for,
    set_delegation,
)
from hub.errors import ErrorCode
from hub.http import ApiRoute, current_person, hub_of, json_body, json_response
from hub.inbox import notify_inbox
from hub.models import Person, from_row, person_table
from hub.wire.inputs import Moment, PersonId
from hub.wire.server import PersonBrief, Wire

TAG = "people"
PATH = "/api/v1/me/delegation"


class DelegationOut(Wire):
    delegate: PersonBrief
    starts_at: datetime
    ends_at: datetime
    active: bool = Field(description="Whether it is running now (else it starts later).")


class ActingFor(Wire):
    """Someone you act for now: their cards are in your inbox and you may act on them."""

    person: PersonBrief
    roles: list[str] = Field(description="Their company-wide roles, which `allowed` checks.")
    ends_at: datetime


class DelegationView(Wire):
    delegation: DelegationOut | None = Field(
        description="Who acts for you while you are out, running or planned; null for no one."
    )
    acting_for: list[ActingFor]


class DelegationBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    delegate_id: PersonId
    starts_at: Moment | None = Field(
        default=None, description="When it starts, with its offset; now if left out."
    )
    ends_at: Moment = Field(
        description="When it ends, with its offset; a year after it starts at most."
    )


async def get_delegation(request: Request) -> Response:
    """Who acts for you while you are out of office, and whom you act for."""
    return json_response(await _view(request, await current_person(request)))


async def put_delegation(request: Request) -> Response:
    """Name who acts for you from `starts_at` (now if left out) until `ends_at`; replaces a
    delegation you had. The delegate sees your waiting cards in their inbox and may act on
    them for you; each action records both names."""
    hub = hub_of(request)
    me = await current_person(request)
    body = await json_body(request, DelegationBody)
    permissions.check_may_delegate(me)
    now = hub.clock()
    async with hub.engine.begin() as conn:
        before = await current_delegation(conn, me.id or 0, now)
        await set_delegation(
            conn, me.id or 0, body.delegate_id, body.starts_at or now, body.ends_at, now
        )
    await _tell_inboxes(request, me, before, body.delegate_id)
    return json_response(await _view(request, me))


async def delete_delegation(request: Request) -> Response:
    """End your delegation now (or drop a planned one): your cards go back to you alone."""
    hub = hub_of(request)
    me = await current_person(request)
    async with hub.engine.begin() as conn:
        before = await current_delegation(conn, me.id or 0, hub.clock())
        await end_delegation(conn, me.id or 0, hub.clock())
    await _tell_inboxes(request, me, before, None)
    return json_response(await _view(request, me))


async def _view(request: Request, me: Person) -> DelegationView:
    hub = hub_of(request)
    now = hub.clock()
    async with hub.engine.connect() as conn:
        mine = await current_delegation(conn, me.id or 0, now)
        delegation = None
        if mine is not None:
            delegate = await _brief(conn, mine.delegate_id)
            delegation = DelegationOut(
                delegate=delegate,
                starts_at=mine.starts_at,
                ends_at=mine.ends_at,
                active=mine.starts_at <= now,
            )
        acting = []
        for person in await people_acting_for(conn, me, now):
            theirs = await current_delegation(conn, person.id or 0, now)
            assert theirs is not None
            acting.append(
                ActingFor(
                    person=from_row(PersonBrief, person),
                    roles=list(person.roles),
                    ends_at=theirs.ends_at,
                )
            )
    return DelegationView(delegation=delegation, acting_for=acting)


async def _brief(conn: AsyncConnection, person_id: int) -> PersonBrief:
    row = (
        await conn.execute(sa.select(person_table).where(person_table.c.id == person_id))
    ).first()
    return from_row(PersonBrief, row)


async def _tell_inboxes(
    request: Request, me: Person, before: DelegationRecord | None, delegate_id: int | None
) -> None:
    """The old and the new delegate's inboxes changed: they gained or lost my cards."""
    hub = hub_of(request)
    people = {i for i in (before.delegate_id if before else None, delegate_id) if i is not None}
    await notify_inbox(hub.engine, people, hub.delivery.publish_to_person, hub.clock)


routes: list[BaseRoute] = [
    ApiRoute(
        "GET",
        PATH,
        get_delegation,
        summary="Your out-of-office delegation",
        tag=TAG,
        responses={200: DelegationView},
    ),
    ApiRoute(
        "PUT",
        PATH,
        put_delegation,
        summary="Name who acts for you while you are out",
        tag=TAG,
        body=DelegationBody,
        responses={200: DelegationView},
        errors=(ErrorCode.validation_failed, ErrorCode.forbidden, ErrorCode.person_not_found),
    ),
    ApiRoute(
        "DELETE",
        PATH,
        delete_delegation,
        summary="End your delegation",
        tag=TAG,
        responses={200: DelegationView},
    ),
]
