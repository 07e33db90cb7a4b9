"""The department tree, for staff: names, heads and how many active people each holds."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from sqlmodel import col, select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from hub import permissions
from hub.errors import ErrorCode
from hub.http import ApiRoute, current_person, hub_of, json_response
from hub.models import Department, Person, from_row
from hub.wire.server import PersonBrief, Wire


class DepartmentNode(Wire):
    id: int
    org_id: int
    name: str
    name_en: str | None = None
    parent_id: int | None = None
    head: PersonBrief | None = None
    member_count: int
    """Active people directly in this department."""
    total_member_count: int
    """Active people in this department and all below it."""
    children: list[DepartmentNode]


class DepartmentTree(Wire):
    """Every department, as a forest of top-level departments."""

    departments: list[DepartmentNode]


async def list_departments(request: Request) -> Response:
    """The whole department tree in three queries, whatever its size."""
    hub = hub_of(request)
    viewer = await current_person(request)
    permissions.check_directory(viewer)
    async with hub.sessions() as session:
        departments = list((await session.exec(select(Department).order_by(Department.id))).all())  # type: ignore[arg-type]
        counts = dict(
            (
                await session.exec(
                    select(Person.department_id, sa.func.count())
                    .where(Person.active.is_(True), Person.department_id.is_not(None))  # type: ignore[attr-defined, union-attr]
                    .group_by(col(Person.department_id))
                )
            ).all()
        )
        head_ids = {d.head_id for d in departments if d.head_id is not None}
        heads = (
            {
                p.id: p
                for p in (
                    await session.exec(select(Person).where(col(Person.id).in_(head_ids)))
                ).all()
            }
            if head_ids
            else {}
        )
    children: dict[int | None, list[Department]] = defaultdict(list)
    known = {d.id for d in departments}
    for department in departments:
        parent = department.parent_id if department.parent_id in known else None
        children[parent].append(department)

    def build(department: Department, seen: frozenset[int]) -> DepartmentNode:
        dept_id = department.id or 0
        kids = [
            build(child, seen | {dept_id}) for child in children[dept_id] if child.id not in seen
        ]
        head = heads.get(department.head_id) if department.head_id is not None else None
        own = counts.get(dept_id, 0)
        return from_row(
            DepartmentNode,
            department,
            head=from_row(PersonBrief, head) if head is not None else None,
            member_count=own,
            total_member_count=own + sum(kid.total_member_count for kid in kids),
            children=kids,
        )

    return json_response(
        DepartmentTree(departments=[build(d, frozenset()) for d in children[None]])
    )


routes: list[BaseRoute] = [
    ApiRoute(
        "GET",
        "/api/v1/departments",
        list_departments,
        summary="The department tree",
        tag="people",
        responses={200: DepartmentTree},
        errors=(ErrorCode.forbidden,),
    ),
]
