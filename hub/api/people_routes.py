"""People: your own profile and settings, the directory, one person's profile, presence.

Guests see only the people they share a channel with (hub.permissions decides), and even
then not their department, manager or roles: those describe the company, not the channel.
"""

from __future__ import annotations

from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import sqlalchemy as sa
from pydantic import MISSING, Field
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from hub import permissions
from hub.api.changes import ChangeBody
from hub.errors import ErrorCode, HubError
from hub.http import ApiRoute, Param, current_person, hub_of, json_body, json_response
from hub.models import Department, Org, Person, from_row
from hub.wire.inputs import NOT_BLANK
from hub.wire.server import PersonBrief, Wire

Status = Literal["online", "away", "offline"]
LOCALES = ("zh-CN", "en")


class OrgBrief(Wire):
    id: int
    name: str
    kind: Literal["home", "partner"]


class DepartmentBrief(Wire):
    id: int
    name: str
    name_en: str | None = None


class Profile(PersonBrief):
    """A person's profile."""

    org: OrgBrief
    department: DepartmentBrief | None = None
    manager: PersonBrief | None = None
    roles: list[str] = Field(default_factory=list)
    locale: str
    time_zone: str
    email: str | None = None
    presence: Status | None = None


class ProfileOut(Wire):
    """The person's profile."""

    person: Profile


class PeopleList(Wire):
    """The people asked for that you may see, by id."""

    people: list[PersonBrief]


class PeoplePage(Wire):
    """A page of the directory, ordered by id."""

    people: list[PersonBrief]
    has_more: bool
    next_after: int | None


class PresenceEntry(Wire):
    person_id: int
    status: Status


class PresenceOut(Wire):
    """Presence of the people asked for."""

    presence: list[PresenceEntry]


class MeUpdate(ChangeBody):
    locale: Literal["zh-CN", "en"] | MISSING = MISSING
    # Listed from the server's own time-zone database, so a client can offer a choice.
    time_zone: (
        Annotated[
            str,
            Field(max_length=64, json_schema_extra={"enum": sorted(available_timezones())}),
        ]
        | MISSING
    ) = MISSING
    display_name: (
        Annotated[
            str, Field(min_length=1, max_length=200, json_schema_extra={"pattern": NOT_BLANK})
        ]
        | MISSING
    ) = MISSING


async def profile_of(
    session: AsyncSession, viewer: Person, person: Person, presence: Status | None = None
) -> Profile:
    org = await session.get(Org, person.org_id)
    assert org is not None, "person.org_id is a foreign key"
    company_view = not viewer.is_guest or viewer.id == person.id
    department = manager = None
    if company_view and person.department_id is not None:
        department = await session.get(Department, person.department_id)
    if company_view and person.manager_id is not None:
        manager = await session.get(Person, person.manager_id)
    return from_row(
        Profile,
        person,
        org=from_row(OrgBrief, org, kind="home" if org.kind == "home" else "partner"),
        department=from_row(DepartmentBrief, department) if department is not None else None,
        manager=from_row(PersonBrief, manager) if manager is not None else None,
        roles=list(person.roles) if company_view else [],
        presence=presence,
    )


async def get_me(request: Request) -> Response:
    """Your own full profile."""
    hub = hub_of(request)
    me = await current_person(request)
    async with hub.sessions() as session:
        return json_response(ProfileOut(person=await profile_of(session, me, me)))


async def update_me(request: Request) -> Response:
    """Change your locale, time zone or display name. Fields left out stay as they are."""
    hub = hub_of(request)
    me = await current_person(request)
    changes = await json_body(request, MeUpdate)
    if changes.time_zone is not MISSING:
        try:
            ZoneInfo(changes.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise HubError(
                ErrorCode.validation_failed,
                f"`time_zone`: {changes.time_zone!r} is not an IANA time zone (e.g. Asia/Shanghai).",
            ) from None
    if changes.display_name is not MISSING and not changes.display_name.strip():
        raise HubError(ErrorCode.validation_failed, "`display_name` cannot be blank.")
    async with hub.sessions() as session:
        person = await session.get(Person, me.id)
        assert person is not None
        for name, value in changes.model_dump().items():  # only the fields given
            setattr(person, name, value.strip() if name == "display_name" else value)
        session.add(person)
        await session.commit()
        await session.refresh(person)
        request.state.person = person
        return json_response(ProfileOut(person=await profile_of(session, person, person)))


Q = Param(
    "q",
    "str",
    "Words to find in username, display name, English name, email or title.",
    maximum=100,
)
LIMIT = Param("limit", "int", "Page size.", default=50, minimum=1, maximum=200)
AFTER_ID = Param(
    "after",
    "int",
    "Return people with an id above this (the previous page's next_after).",
    minimum=0,
)
INCLUDE_INACTIVE = Param(
    "include_inactive", "bool", "Admins only: include deactivated people.", default=False
)
IDS = Param(
    "ids", "id_list", "Comma-separated person ids (at most 200).", maximum=200, required=True
)
PRESENCE_IDS = Param(
    "ids",
    "id_list",
    "Comma-separated person ids (at most 200).",
    maximum=200,
    required=True,
    not_found=ErrorCode.person_not_found,
)


async def list_people(request: Request) -> Response:
    """Search the directory. Staff only; guests are refused."""
    hub = hub_of(request)
    viewer = await current_person(request)
    permissions.check_directory(viewer)
    q, limit, after = Q.read(request), LIMIT.read(request), AFTER_ID.read(request)
    include_inactive = INCLUDE_INACTIVE.read(request)
    if include_inactive and not viewer.is_admin:
        raise HubError(ErrorCode.forbidden, "Only admins can list deactivated people.")
    stmt = select(Person).where(permissions.visible_people_clause(viewer))
    if not include_inactive:
        stmt = stmt.where(Person.active.is_(True))  # type: ignore[attr-defined]
    if q:
        needle = q.strip().lower()
        columns = [Person.username, Person.display_name, Person.name_en, Person.email, Person.title]
        stmt = stmt.where(
            sa.or_(*(sa.func.lower(column).contains(needle, autoescape=True) for column in columns))
        )
    if after is not None:
        stmt = stmt.where(col(Person.id) > after)
    stmt = stmt.order_by(col(Person.id)).limit(limit + 1)
    async with hub.sessions() as session:
        people = list((await session.exec(stmt)).all())
    has_more = len(people) > limit
    people = people[:limit]
    return json_response(
        PeoplePage(
            people=[from_row(PersonBrief, p) for p in people],
            has_more=has_more,
            next_after=people[-1].id if has_more and people else None,
        )
    )


async def lookup_people(request: Request) -> Response:
    """Several people by id, for showing senders and reactors: guests too, but each viewer gets
    only the people they may see (the others are left out, as if they did not exist)."""
    hub = hub_of(request)
    viewer = await current_person(request)
    ids: list[int] = IDS.read(request)
    stmt = (
        select(Person)
        .where(col(Person.id).in_(ids), permissions.visible_people_clause(viewer))
        .order_by(col(Person.id))
    )
    async with hub.sessions() as session:
        people = list((await session.exec(stmt)).all())
    return json_response(PeopleList(people=[from_row(PersonBrief, p) for p in people]))


async def get_person(request: Request) -> Response:
    """One person's profile with their presence."""
    hub = hub_of(request)
    viewer = await current_person(request)
    person_id: int = request.path_params["person_id"]
    async with hub.sessions() as session:
        person = await permissions.check_see_person(session, viewer, person_id)
        status = (await hub.presence.status_of([person_id])).get(person_id, "offline")
        return json_response(ProfileOut(person=await profile_of(session, viewer, person, status)))


async def get_presence(request: Request) -> Response:
    """Presence of several people; any id you cannot see is answered person_not_found."""
    hub = hub_of(request)
    viewer = await current_person(request)
    ids: list[int] = PRESENCE_IDS.read(request)
    async with hub.sessions() as session:
        people = await permissions.check_see_people(session, viewer, ids)
    statuses = await hub.presence.status_of([p.id for p in people if p.id is not None])
    return json_response(
        PresenceOut(
            presence=[
                PresenceEntry(person_id=p.id or 0, status=statuses.get(p.id or 0, "offline"))
                for p in people
            ]
        )
    )


TAG = "people"
routes: list[BaseRoute] = [
    ApiRoute(
        "GET", "/api/v1/me", get_me, summary="Your profile", tag=TAG, responses={200: ProfileOut}
    ),
    ApiRoute(
        "PATCH",
        "/api/v1/me",
        update_me,
        summary="Change your settings",
        tag=TAG,
        body=MeUpdate,
        responses={200: ProfileOut},
    ),
    ApiRoute(
        "GET",
        "/api/v1/people",
        list_people,
        summary="Search the directory",
        tag=TAG,
        query=(Q, LIMIT, AFTER_ID, INCLUDE_INACTIVE),
        responses={200: PeoplePage},
        errors=(ErrorCode.forbidden,),
    ),
    ApiRoute(
        "GET",
        "/api/v1/people/lookup",
        lookup_people,
        summary="People by id",
        tag=TAG,
        query=(IDS,),
        responses={200: PeopleList},
    ),
    ApiRoute(
        "GET",
        "/api/v1/people/{person_id:int}",
        get_person,
        summary="A person's profile",
        tag=TAG,
        responses={200: ProfileOut},
        errors=(ErrorCode.person_not_found,),
    ),
    ApiRoute(
        "GET",
        "/api/v1/presence",
        get_presence,
        summary="Presence of people",
        tag=TAG,
        query=(PRESENCE_IDS,),
        responses={200: PresenceOut},
        errors=(ErrorCode.person_not_found,),
    ),
]
