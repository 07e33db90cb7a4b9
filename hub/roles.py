"""Roles scoped to a department: "the HRBP of R&D", "the finance partner of Platform".

A role held company-wide is in Person.roles (and is what a card's `allowed.roles` checks).
A scoped role is a row of `scoped_role`: the person holds the role for that department and
every department under it. Asking who holds a role *for* a department walks up from that
department and answers with the nearest department that has holders, then falls back to the
company-wide holders, so a bot can ask `ctx.role_members("hrbp", department_id=...)` for any
applicant and get the people who serve them (docs/bots.md, "People and the org chart").
Granted with `hub user role add USERNAME ROLE --department CODE` (hub.cli_roles).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from hub.errors import ErrorCode, HubError
from hub.models import department_table, person_table, scoped_role_table
from hub.people import check_roles

MAX_DEPTH = 50  # a cycle in imported departments must not loop forever


@dataclass(frozen=True)
class RoleGrant:
    """A role a person holds: company-wide (department_id None) or for one department."""

    role: str
    department_id: int | None = None
    department_code: str | None = None


def check_role(role: str) -> str:
    cleaned = check_roles([role])
    if len(cleaned) != 1:
        raise HubError(ErrorCode.validation_failed, "Give a role name, e.g. `hrbp`.")
    return cleaned[0]


async def department_by_code(conn: AsyncConnection, code: str) -> int:
    """The id of the department whose code (its external id in the org import) is `code`."""
    found = (
        await conn.execute(
            sa.select(department_table.c.id).where(department_table.c.external_id == code)
        )
    ).scalar()
    if found is None:
        raise HubError(
            ErrorCode.not_found,
            f"No department has the code {code!r}; the codes are the org import's department "
            "ids (`hub import-org`).",
        )
    return int(found)


async def grant_scoped(
    conn: AsyncConnection, person_id: int, role: str, department_id: int
) -> bool:
    """Give the person `role` for the department (and those under it); False if they had it."""
    role = check_role(role)
    t = scoped_role_table.c
    had = (
        await conn.execute(
            sa.select(t.person_id).where(
                t.person_id == person_id, t.role == role, t.department_id == department_id
            )
        )
    ).first()
    if had is not None:
        return False
    await conn.execute(
        sa.insert(scoped_role_table).values(
            person_id=person_id, role=role, department_id=department_id
        )
    )
    return True


async def revoke_scoped(
    conn: AsyncConnection, person_id: int, role: str, department_id: int
) -> bool:
    """Take the scoped role away; False if the person did not hold it there."""
    t = scoped_role_table.c
    result = await conn.execute(
        sa.delete(scoped_role_table).where(
            t.person_id == person_id, t.role == check_role(role), t.department_id == department_id
        )
    )
    return bool(result.rowcount)


async def grants_of(conn: AsyncConnection, person_id: int) -> list[RoleGrant]:
    """Every role the person holds, company-wide ones first, then scoped ones by role."""
    roles = (
        await conn.execute(sa.select(person_table.c.roles).where(person_table.c.id == person_id))
    ).scalar()
    grants = [RoleGrant(role) for role in roles or ()]
    t, d = scoped_role_table.c, department_table.c
    rows = await conn.execute(
        sa.select(t.role, t.department_id, d.external_id)
        .join(department_table, d.id == t.department_id)
        .where(t.person_id == person_id)
        .order_by(t.role, d.external_id)
    )
    grants += [RoleGrant(row.role, row.department_id, row.external_id) for row in rows]
    return grants


async def holders_for(conn: AsyncConnection, role: str, department_id: int) -> list[int]:
    """The active staff who hold `role` for the department: scoped to it or to the nearest
    department above it that has any, else company-wide. Ids in ascending order."""
    current: int | None = department_id
    for _ in range(MAX_DEPTH):
        if current is None:
            break
        scoped = await _scoped_holders(conn, role, current)
        if scoped:
            return scoped
        current = (
            await conn.execute(
                sa.select(department_table.c.parent_id).where(department_table.c.id == current)
            )
        ).scalar()
    return await company_holders(conn, role)


async def company_holders(conn: AsyncConnection, role: str) -> list[int]:
    """The active staff who hold `role` company-wide."""
    rows = await conn.execute(
        sa.select(person_table.c.id, person_table.c.roles)
        .where(person_table.c.kind == "member", person_table.c.active.is_(True))
        .order_by(person_table.c.id)
    )
    # Roles are a JSON list: filtered here rather than with dialect-specific JSON SQL.
    return [row.id for row in rows if role in (row.roles or ())]


async def _scoped_holders(conn: AsyncConnection, role: str, department_id: int) -> list[int]:
    t, p = scoped_role_table.c, person_table.c
    rows = await conn.execute(
        sa.select(t.person_id)
        .join(person_table, p.id == t.person_id)
        .where(
            t.role == role,
            t.department_id == department_id,
            p.kind == "member",
            p.active.is_(True),
        )
        .order_by(t.person_id)
    )
    return list(rows.scalars())


def describe(grants: Sequence[RoleGrant]) -> list[str]:
    """The grants as `role` or `role@CODE`, the way the CLI and the org import write them."""
    return [
        g.role if g.department_code is None else f"{g.role}@{g.department_code}" for g in grants
    ]
