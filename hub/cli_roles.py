"""`hub user role ...`: give, take and list a person's roles, company-wide or for a department.

`--department CODE` scopes the role to that department and those under it (hub.roles); the
code is the department's id in the org import files.
"""

from __future__ import annotations

import click

from hub.cli_support import load_settings, run, session_for


@click.group("role")
def role_group() -> None:
    """A person's roles: company-wide (finance, admin) or for a department (hrbp@RD)."""


@role_group.command("add")
@click.argument("username")
@click.argument("role")
@click.option("--department", "code", help="Hold the role for this department only (its code).")
def role_add(username: str, role: str, code: str | None) -> None:
    """Give USERNAME the ROLE, company-wide or for one department."""
    _change(username, role, code, add=True)


@role_group.command("remove")
@click.argument("username")
@click.argument("role")
@click.option("--department", "code", help="The department the role was given for.")
def role_remove(username: str, role: str, code: str | None) -> None:
    """Take ROLE away from USERNAME."""
    _change(username, role, code, add=False)


@role_group.command("list")
@click.argument("username")
def role_list(username: str) -> None:
    """The roles USERNAME holds."""
    settings = load_settings()

    async def work() -> None:
        from hub.people import get_person  # noqa: PLC0415
        from hub.roles import describe, grants_of  # noqa: PLC0415

        async with session_for(settings) as session:
            person = await get_person(session, username)
            grants = describe(await grants_of(await session.connection(), person.id or 0))
        click.echo(" ".join(grants) if grants else f"{person.username} holds no roles.")

    run(work())


def _change(username: str, role: str, code: str | None, *, add: bool) -> None:
    settings = load_settings()

    async def work() -> None:
        from hub.people import check_roles, get_person  # noqa: PLC0415
        from hub.roles import (  # noqa: PLC0415
            check_role,
            department_by_code,
            grant_scoped,
            revoke_scoped,
        )

        name = check_role(role)
        where = f" for {code}" if code else ""
        async with session_for(settings) as session:
            person = await get_person(session, username)
            if person.kind != "member":
                raise click.ClickException(
                    f"{person.username} is a {person.kind}; roles are for staff."
                )
            if code is not None:
                conn = await session.connection()
                department_id = await department_by_code(conn, code)
                changed = await (grant_scoped if add else revoke_scoped)(
                    conn, person.id or 0, name, department_id
                )
            else:
                roles = list(person.roles)
                changed = (name not in roles) if add else (name in roles)
                person.roles = check_roles(
                    [*roles, name] if add else [r for r in roles if r != name]
                )
                session.add(person)
            await session.commit()
        if not changed:
            state = "already holds" if add else "does not hold"
            click.echo(f"{person.username} {state} {name}{where}; nothing changed.")
        elif add:
            click.echo(f"{person.username} now holds {name}{where}.")
        else:
            click.echo(f"{person.username} no longer holds {name}{where}.")

    run(work())
