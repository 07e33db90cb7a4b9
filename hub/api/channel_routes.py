"""Channels over HTTP: list, browse, create, direct messages, membership, settings, read marks, the log.

Every handler asks hub.permissions first and writes only through the writer.
The channels it returns are built by hub.api.channel_views, in a fixed number of queries.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import orjson
import sqlalchemy as sa
from pydantic import MISSING, BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from hub import permissions
from hub.actions.channels import (
    AddMembers,
    CreateChannel,
    MarkRead,
    RemoveMember,
    UpdateChannel,
    check_channel_name,
    direct_key,
)
from hub.api.changes import ChangeBody
from hub.api.channel_views import ChannelView, channel_views
from hub.db import execute
from hub.errors import ErrorCode, HubError
from hub.http import ApiRoute, Param, current_person, hub_of, json_body, json_response
from hub.models import (
    Person,
    channel_event_table,
    channel_table,
    from_row,
    membership_table,
    person_table,
)
from hub.wire.inputs import NOT_BLANK, PersonId, StoredInt
from hub.wire.server import ChannelEventFrame, PersonBrief, Wire

MAX_GROUP_OTHERS = 8


class ChannelList(Wire):
    """Channels."""

    channels: list[ChannelView]


class ChannelResponse(Wire):
    """The channel."""

    channel: ChannelView


class MemberOut(Wire):
    person: PersonBrief
    role: Literal["owner", "member"]
    joined_at: datetime


class MemberList(Wire):
    """The channel's members, earliest first."""

    members: list[MemberOut]


class ReadMark(Wire):
    """Your read marker after the change (it never moves back)."""

    last_read_seq: int


class EventPage(Wire):
    """Channel log events in seq order."""

    events: list[ChannelEventFrame]
    has_more: bool
    last_seq: int


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CreateChannelBody(_Body):
    # Not blank by str.strip()'s rule, stated in the document too (a lone "\x1e" is blank).
    name: str = Field(min_length=1, max_length=80, json_schema_extra={"pattern": NOT_BLANK})
    kind: Literal["public", "private"]
    topic: str = Field(default="", max_length=500)
    shared: bool = False
    member_ids: list[PersonId] = Field(default_factory=list, max_length=500)


class DirectBody(_Body):
    person_ids: list[PersonId] = Field(min_length=1, max_length=MAX_GROUP_OTHERS)


class InviteBody(_Body):
    person_ids: list[PersonId] = Field(min_length=1, max_length=500)


class UpdateChannelBody(ChangeBody):
    topic: Annotated[str, Field(max_length=500)] | MISSING = MISSING
    name: (
        Annotated[str, Field(min_length=1, max_length=80, json_schema_extra={"pattern": NOT_BLANK})]
        | MISSING
    ) = MISSING


class ReadBody(_Body):
    seq: StoredInt


async def _one_view(request: Request, viewer: Person, channel_id: int) -> Response:
    async with hub_of(request).sessions() as session:
        (view,) = await channel_views(session, viewer, [channel_id])
    return json_response(ChannelResponse(channel=view))


def _channel_id(request: Request) -> int:
    channel_id: int = request.path_params["channel_id"]
    return channel_id


# Handlers


async def list_channels(request: Request) -> Response:
    """Your channels with unread and mention counts and read markers."""
    viewer = await current_person(request)
    async with hub_of(request).sessions() as session:
        ids = (
            (
                await execute(
                    session,
                    sa.select(membership_table.c.channel_id)
                    .where(membership_table.c.person_id == viewer.id)
                    .order_by(membership_table.c.channel_id),
                )
            )
            .scalars()
            .all()
        )
        views = await channel_views(session, viewer, ids)
    return json_response(ChannelList(channels=views))


async def create_channel(request: Request) -> Response:
    """Create a public or private channel; you become its owner. Only staff may make it shared."""
    hub = hub_of(request)
    viewer = await current_person(request)
    permissions.check_create_channel(viewer)
    body = await json_body(request, CreateChannelBody)
    if body.shared:
        permissions.check_create_shared_channel(viewer)
    name = check_channel_name(body.name)
    async with hub.sessions() as session:
        members = (
            await permissions.check_see_people(session, viewer, body.member_ids)
            if body.member_ids
            else []
        )
    permissions.check_invitees(members, shared=body.shared)
    created = await hub.writer.submit(
        CreateChannel(
            kind=body.kind,
            creator=viewer,
            members=members,
            name=name,
            topic=body.topic,
            shared=body.shared,
        )
    )
    async with hub.sessions() as session:
        (view,) = await channel_views(session, viewer, [created.id])
    return json_response(ChannelResponse(channel=view), status=201)


BROWSE_Q = Param("q", "str", "Words to find in the channel's name or topic.", maximum=100)
BROWSE_LIMIT = Param(
    "limit", "int", "At most this many channels, by name.", default=200, minimum=1, maximum=1000
)


async def browse_channels(request: Request) -> Response:
    """Public channels that are not archived, with whether you have joined each. Staff only."""
    viewer = await current_person(request)
    permissions.check_directory(viewer)
    q, limit = BROWSE_Q.read(request), BROWSE_LIMIT.read(request)
    stmt = sa.select(channel_table.c.id).where(
        channel_table.c.kind == "public", channel_table.c.archived.is_(False)
    )
    if q:
        needle = q.strip().lower()
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(channel_table.c.name).contains(needle, autoescape=True),
                sa.func.lower(channel_table.c.topic).contains(needle, autoescape=True),
            )
        )
    stmt = stmt.order_by(channel_table.c.name, channel_table.c.id).limit(limit)
    async with hub_of(request).sessions() as session:
        ids = (await execute(session, stmt)).scalars().all()
        views = await channel_views(session, viewer, ids)
    return json_response(ChannelList(channels=views))


async def open_direct(request: Request) -> Response:
    """Find or start the direct (one other person) or group (2-8 others) conversation with these people."""
    hub = hub_of(request)
    viewer = await current_person(request)
    body = await json_body(request, DirectBody)
    async with hub.sessions() as session:
        others = await permissions.check_direct(session, viewer, body.person_ids)
    kind: Literal["direct", "group"] = "direct" if len(others) == 1 else "group"
    key = direct_key([viewer.id or 0, *(p.id or 0 for p in others)])
    channel = await hub.writer.submit(
        CreateChannel(kind=kind, creator=viewer, members=others, direct_key=key)
    )
    # Someone may have left an earlier conversation with the same people: bring them back.
    async with hub.sessions() as session:
        present = set(
            (
                await execute(
                    session,
                    sa.select(membership_table.c.person_id).where(
                        membership_table.c.channel_id == channel.id
                    ),
                )
            ).scalars()
        )
    missing = [p for p in [viewer, *others] if p.id not in present]
    if missing:
        await hub.writer.submit(AddMembers(channel_id=channel.id, people=missing, by_id=viewer.id))
    return await _one_view(request, viewer, channel.id)


async def get_channel(request: Request) -> Response:
    """One channel you can read."""
    viewer = await current_person(request)
    channel_id = _channel_id(request)
    async with hub_of(request).sessions() as session:
        await permissions.check_read_channel(session, viewer, channel_id)
        (view,) = await channel_views(session, viewer, [channel_id])
    return json_response(ChannelResponse(channel=view))


async def list_members(request: Request) -> Response:
    """Everyone in a channel you can read."""
    viewer = await current_person(request)
    channel_id = _channel_id(request)
    async with hub_of(request).sessions() as session:
        await permissions.check_read_channel(session, viewer, channel_id)
        rows = (
            await execute(
                session,
                sa.select(person_table, membership_table.c.role, membership_table.c.joined_at)
                .join(membership_table, membership_table.c.person_id == person_table.c.id)
                .where(membership_table.c.channel_id == channel_id)
                .order_by(membership_table.c.joined_at, person_table.c.id),
            )
        ).all()
    members = [from_row(MemberOut, row, person=from_row(PersonBrief, row)) for row in rows]
    return json_response(MemberList(members=members))


async def join_channel(request: Request) -> Response:
    """Join a public channel. Joining one you are in changes nothing."""
    hub = hub_of(request)
    viewer = await current_person(request)
    channel_id = _channel_id(request)
    async with hub.sessions() as session:
        await permissions.check_join(session, viewer, channel_id)
    await hub.writer.submit(AddMembers(channel_id=channel_id, people=[viewer], by_id=viewer.id))
    return await _one_view(request, viewer, channel_id)


async def _leave(request: Request, viewer: Person, channel_id: int) -> Response:
    hub = hub_of(request)
    async with hub.sessions() as session:
        await permissions.check_read_channel(session, viewer, channel_id)
    await hub.writer.submit(
        RemoveMember(
            channel_id=channel_id, person_id=viewer.id or 0, by_id=viewer.id, reason="left"
        )
    )
    return Response(status_code=204)


async def leave_channel(request: Request) -> Response:
    """Leave a channel you are in."""
    viewer = await current_person(request)
    return await _leave(request, viewer, _channel_id(request))


async def invite_members(request: Request) -> Response:
    """Add people to a channel you are in. Guests can be added to shared channels only."""
    hub = hub_of(request)
    viewer = await current_person(request)
    channel_id = _channel_id(request)
    body = await json_body(request, InviteBody)
    async with hub.sessions() as session:
        await permissions.check_read_channel(session, viewer, channel_id)
        people = await permissions.check_see_people(session, viewer, body.person_ids)
        await permissions.check_invite(session, viewer, channel_id, people)
    await hub.writer.submit(AddMembers(channel_id=channel_id, people=people, by_id=viewer.id))
    return await _one_view(request, viewer, channel_id)


async def remove_member(request: Request) -> Response:
    """Remove someone (owners and admins); removing yourself is leaving."""
    hub = hub_of(request)
    viewer = await current_person(request)
    channel_id = _channel_id(request)
    person_id: int = request.path_params["person_id"]
    if person_id == viewer.id:
        return await _leave(request, viewer, channel_id)
    async with hub.sessions() as session:
        await permissions.check_manage_channel(session, viewer, channel_id)
    await hub.writer.submit(
        RemoveMember(channel_id=channel_id, person_id=person_id, by_id=viewer.id, reason="removed")
    )
    return Response(status_code=204)


async def update_channel(request: Request) -> Response:
    """Set the topic (any member but guests) or the name (owners and admins)."""
    hub = hub_of(request)
    viewer = await current_person(request)
    channel_id = _channel_id(request)
    body = await json_body(request, UpdateChannelBody)
    changes: dict[str, Any] = {}
    async with hub.sessions() as session:
        if body.topic is not MISSING:
            await permissions.check_set_topic(session, viewer, channel_id)
            changes["topic"] = body.topic.strip()
        if body.name is not MISSING:
            channel, _ = await permissions.check_manage_channel(session, viewer, channel_id)
            if channel.kind not in ("public", "private"):
                raise HubError(
                    ErrorCode.bad_request, "Direct and group messages have no name to change."
                )
            if channel.archived:
                raise HubError(
                    ErrorCode.channel_archived,
                    f"Channel {channel_id} is archived; unarchive it first.",
                )
            changes["name"] = check_channel_name(body.name)
    await hub.writer.submit(
        UpdateChannel(channel_id=channel_id, by_id=viewer.id or 0, changes=changes)
    )
    return await _one_view(request, viewer, channel_id)


async def _set_archived(request: Request, archived: bool) -> Response:
    hub = hub_of(request)
    viewer = await current_person(request)
    channel_id = _channel_id(request)
    async with hub.sessions() as session:
        channel, _ = await permissions.check_manage_channel(session, viewer, channel_id)
    if channel.archived == archived:
        state = "already archived" if archived else "not archived"
        raise HubError(ErrorCode.conflict, f"Channel {channel_id} is {state}.")
    await hub.writer.submit(
        UpdateChannel(channel_id=channel_id, by_id=viewer.id or 0, changes={"archived": archived})
    )
    return await _one_view(request, viewer, channel_id)


async def archive_channel(request: Request) -> Response:
    """Archive: the channel stays readable but nobody can write in it."""
    return await _set_archived(request, True)


async def unarchive_channel(request: Request) -> Response:
    """Unarchive: the channel can be written in again."""
    return await _set_archived(request, False)


async def mark_read(request: Request) -> Response:
    """Move your read marker forward to `seq` (capped at the channel's last seq)."""
    hub = hub_of(request)
    viewer = await current_person(request)
    channel_id = _channel_id(request)
    body = await json_body(request, ReadBody)
    async with hub.sessions() as session:
        _, membership = await permissions.check_read_channel(session, viewer, channel_id)
    if membership is None:
        raise HubError(
            ErrorCode.not_a_member, f"Join channel {channel_id} to keep a read marker in it."
        )
    seq = await hub.writer.submit(
        MarkRead(channel_id=channel_id, person_id=viewer.id or 0, seq=body.seq)
    )
    await hub.delivery.tell_read(viewer.id or 0, channel_id, seq)
    async with hub.sessions() as session:
        last_read = (
            await execute(
                session,
                sa.select(membership_table.c.last_read_seq).where(
                    membership_table.c.channel_id == channel_id,
                    membership_table.c.person_id == viewer.id,
                ),
            )
        ).scalar_one()
    return json_response(ReadMark(last_read_seq=last_read))


EVENTS_AFTER = Param("after", "int", "Return events with a seq above this.", default=0, minimum=0)
EVENTS_LIMIT = Param("limit", "int", "Page size.", default=100, minimum=1, maximum=1000)


async def channel_events(request: Request) -> Response:
    """The channel's log after a seq, exactly as the WebSocket sent it. Members only."""
    viewer = await current_person(request)
    channel_id = _channel_id(request)
    after, limit = EVENTS_AFTER.read(request), EVENTS_LIMIT.read(request)
    async with hub_of(request).sessions() as session:
        channel, membership = await permissions.check_read_channel(session, viewer, channel_id)
        if membership is None:
            raise HubError(
                ErrorCode.not_a_member, f"Join channel {channel_id} to read its event log."
            )
        frames = (
            (
                await execute(
                    session,
                    sa.select(channel_event_table.c.frame)
                    .where(
                        channel_event_table.c.channel_id == channel_id,
                        channel_event_table.c.seq > after,
                    )
                    .order_by(channel_event_table.c.seq)
                    .limit(limit + 1),
                )
            )
            .scalars()
            .all()
        )
        last_seq = (
            await execute(
                session, sa.select(channel_table.c.last_seq).where(channel_table.c.id == channel_id)
            )
        ).scalar_one()
    events = [orjson.loads(frame) for frame in frames[:limit]]
    # Built as plain JSON: the log holds the exact frames, re-validating them would rewrite them.
    return json_response({"events": events, "has_more": len(frames) > limit, "last_seq": last_seq})


TAG = "channels"
_C = "/api/v1/channels/{channel_id:int}"
_READ_ERRORS = (ErrorCode.channel_not_found,)
_WRITE_ERRORS = (ErrorCode.channel_not_found, ErrorCode.not_a_member, ErrorCode.channel_archived)
routes: list[BaseRoute] = [
    ApiRoute(
        "GET",
        "/api/v1/channels",
        list_channels,
        summary="Your channels",
        tag=TAG,
        responses={200: ChannelList},
    ),
    ApiRoute(
        "POST",
        "/api/v1/channels",
        create_channel,
        summary="Create a channel",
        tag=TAG,
        body=CreateChannelBody,
        responses={201: ChannelResponse},
        errors=(ErrorCode.forbidden, ErrorCode.person_not_found, ErrorCode.bad_request),
    ),
    ApiRoute(
        "GET",
        "/api/v1/channels/browse",
        browse_channels,
        summary="Browse public channels",
        tag=TAG,
        query=(BROWSE_Q, BROWSE_LIMIT),
        responses={200: ChannelList},
        errors=(ErrorCode.forbidden,),
    ),
    ApiRoute(
        "POST",
        "/api/v1/channels/direct",
        open_direct,
        summary="Open a direct or group conversation",
        tag=TAG,
        body=DirectBody,
        responses={200: ChannelResponse},
        errors=(ErrorCode.person_not_found, ErrorCode.bad_request, ErrorCode.channel_archived),
    ),
    ApiRoute(
        "GET",
        _C,
        get_channel,
        summary="A channel",
        tag=TAG,
        responses={200: ChannelResponse},
        errors=_READ_ERRORS,
    ),
    ApiRoute(
        "GET",
        _C + "/members",
        list_members,
        summary="A channel's members",
        tag=TAG,
        responses={200: MemberList},
        errors=_READ_ERRORS,
    ),
    ApiRoute(
        "POST",
        _C + "/join",
        join_channel,
        summary="Join a public channel",
        tag=TAG,
        responses={200: ChannelResponse},
        errors=(ErrorCode.channel_not_found, ErrorCode.channel_archived),
    ),
    ApiRoute(
        "POST",
        _C + "/leave",
        leave_channel,
        summary="Leave a channel",
        tag=TAG,
        responses={204: None},
        errors=(ErrorCode.channel_not_found, ErrorCode.not_a_member),
    ),
    ApiRoute(
        "POST",
        _C + "/members",
        invite_members,
        summary="Add people to a channel",
        tag=TAG,
        body=InviteBody,
        responses={200: ChannelResponse},
        errors=(
            *_WRITE_ERRORS,
            ErrorCode.person_not_found,
            ErrorCode.forbidden,
            ErrorCode.bad_request,
        ),
    ),
    ApiRoute(
        "DELETE",
        _C + "/members/{person_id:int}",
        remove_member,
        summary="Remove someone from a channel",
        tag=TAG,
        responses={204: None},
        errors=(
            ErrorCode.channel_not_found,
            ErrorCode.not_a_member,
            ErrorCode.forbidden,
            ErrorCode.not_found,
        ),
    ),
    ApiRoute(
        "PATCH",
        _C,
        update_channel,
        summary="Set a channel's topic or name",
        tag=TAG,
        body=UpdateChannelBody,
        responses={200: ChannelResponse},
        errors=(*_WRITE_ERRORS, ErrorCode.forbidden, ErrorCode.bad_request),
    ),
    ApiRoute(
        "POST",
        _C + "/archive",
        archive_channel,
        summary="Archive a channel",
        tag=TAG,
        responses={200: ChannelResponse},
        errors=(ErrorCode.channel_not_found, ErrorCode.forbidden, ErrorCode.conflict),
    ),
    ApiRoute(
        "POST",
        _C + "/unarchive",
        unarchive_channel,
        summary="Unarchive a channel",
        tag=TAG,
        responses={200: ChannelResponse},
        errors=(ErrorCode.channel_not_found, ErrorCode.forbidden, ErrorCode.conflict),
    ),
    ApiRoute(
        "POST",
        _C + "/read",
        mark_read,
        summary="Mark a channel read up to a seq",
        tag=TAG,
        body=ReadBody,
        responses={200: ReadMark},
        errors=(ErrorCode.channel_not_found, ErrorCode.not_a_member),
    ),
    ApiRoute(
        "GET",
        _C + "/events",
        channel_events,
        summary="A channel's event log",
        tag=TAG,
        query=(EVENTS_AFTER, EVENTS_LIMIT),
        responses={200: EventPage},
        errors=(ErrorCode.channel_not_found, ErrorCode.not_a_member),
    ),
]
