"""The `hub` command: serve, init, people, org import and the demo. Reference: docs/operations.md.

Commands other than `serve` write through the database directly, so they work with no
server running. Each one first makes sure the schema is there (an empty database is
migrated on the spot, so `hub demo` works on a fresh machine). Expected failures print
one line saying what to do next and exit 1; tracebacks are for bugs.
"""

from __future__ import annotations

import os
from pathlib import Path

import click
from sqlmodel import select

from hub.auth.access import ACCOUNT_DEACTIVATED, CLOSE_ACCESS_ENDED
from hub.cli_bots import bot_group
from hub.cli_roles import role_group
from hub.cli_support import (
    database,
    end_sessions_everywhere,
    is_interactive,
    load_settings,
    run,
    schema_state,
    session_for,
    shown_url,
)
from hub.config import Settings, get_settings
from hub.migrate import upgrade
from hub.models import Org, Person
from hub.wire.inputs import NUL

WS_MAX_SIZE = 1024 * 1024


# ---------------------------------------------------------------- plumbing


def _read_new_password(password: str | None, username: str) -> str:
    if password is not None:
        return password
    if not is_interactive():
        raise click.ClickException(
            f"No terminal to ask on: pass --password for {username} in scripts."
        )
    value: str = click.prompt(
        f"New password for {username}", hide_input=True, confirmation_prompt=True
    )
    return value


# ---------------------------------------------------------------- commands

# scripts/serve runs `init` and `demo` right before `hub serve`: telling the person to start
# the server it is already starting would only confuse.
_STARTING_SERVER = click.option(
    "--starting-server",
    is_flag=True,
    hidden=True,
    help="Leave out the hint to start the server (scripts/serve starts it next).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """The hub: chat, approvals and partners in one place. See docs/operations.md."""


@main.command()
@click.option("--host", help="Address to listen on (default: HUB_HOST, 127.0.0.1).")
@click.option("--port", type=int, help="Port to listen on (default: HUB_PORT, 8000).")
@click.option("--reload", is_flag=True, help="Restart when the code changes (development).")
def serve(host: str | None, port: int | None, reload: bool) -> None:
    """Run the hub's web server."""
    settings = load_settings()
    # Settings are read again inside the app factory (and in the reloader's child), so
    # overrides travel through the environment rather than as arguments.
    if host:
        os.environ["HUB_HOST"] = host
    if port is not None:
        os.environ["HUB_PORT"] = str(port)
    # Unless origins are configured, the page's own address is allowed, whichever way the
    # host and port were chosen (--port, HUB_PORT or the config file).
    if "allowed_origins" not in settings.model_fields_set:
        shown = _browser_host(host or settings.host)
        chosen = port if port is not None else settings.port
        os.environ["HUB_ALLOWED_ORIGINS"] = f"http://{shown}:{chosen},http://localhost:{chosen}"
    get_settings.cache_clear()
    settings = load_settings()
    has_demo = run(_serve_checks(settings))

    import uvicorn  # noqa: PLC0415  (only `serve` needs it; keeps the other commands quick)

    url = f"http://{_browser_host(settings.host)}:{settings.port}"
    click.echo(f"The hub is at {url}")
    if has_demo:
        from hub.demo import DEMO_ADMIN, DEMO_PASSWORD  # noqa: PLC0415

        click.echo(
            f"Demo sign-in: {DEMO_ADMIN} / {DEMO_PASSWORD} (every demo account uses this password)"
        )
    uvicorn.run(
        "hub.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        reload=reload,
        ws_max_size=WS_MAX_SIZE,
        # Compression would deflate every frame once per connection, undoing the
        # encode-once fan-out; chat frames are small anyway.
        ws_per_message_deflate=False,
        proxy_headers=True,
        log_level=settings.log_level.lower(),
    )


def _browser_host(host: str) -> str:
    if host in ("0.0.0.0", "", "::"):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


async def _serve_checks(settings: Settings) -> bool:
    from hub.demo import demo_admin_exists  # noqa: PLC0415

    async with session_for(settings) as session:
        return await demo_admin_exists(session)


@main.command()
@click.option("--org-name", help="Your organisation's name (made once; later runs keep it).")
@click.option("--admin-username", help="Create this admin account if it does not exist.")
@click.option("--admin-name", help="The admin's display name (default: Administrator).")
@click.option("--admin-password", help="For scripts; asked for on a terminal otherwise.")
@click.option("--no-admin", is_flag=True, help="Do not offer to create an admin.")
@_STARTING_SERVER
def init(
    org_name: str | None,
    admin_username: str | None,
    admin_name: str | None,
    admin_password: str | None,
    no_admin: bool,
    starting_server: bool,
) -> None:
    """Apply database migrations and create the organisation and first admin. Safe to re-run."""
    settings = load_settings()
    run(
        _init(
            settings,
            org_name,
            admin_username,
            admin_name,
            admin_password,
            no_admin,
            starting_server,
        )
    )


async def _init(
    settings: Settings,
    org_name: str | None,
    admin_username: str | None,
    admin_name: str | None,
    admin_password: str | None,
    no_admin: bool,
    starting_server: bool,
) -> None:
    from hub.people import add_person, ensure_home_org, find_person, home_org  # noqa: PLC0415

    done = "Done." if starting_server else "Done. Start the server with `hub serve`."

    url = settings.database_url
    click.echo(f"Database: {shown_url(url)}")
    before = await schema_state(url)
    if before == "unknown":
        raise click.ClickException(
            "The database was migrated by a newer version of the hub: upgrade this installation."
        )
    click.echo("Applying migrations…" if before != "current" else "Checking migrations…")
    await upgrade(url)
    click.echo(
        "Schema is up to date."
        if before == "current"
        else "Migrations applied; schema is up to date."
    )

    async with session_for(settings) as session:
        existing_org = await home_org(session)
        if org_name:
            org = await ensure_home_org(session, org_name)
            if existing_org is None:
                click.echo(f"Created the organisation {org.name}.")
            elif existing_org.name != org_name:
                click.echo(
                    f"The organisation already exists as {existing_org.name!r}; kept that name."
                )
        admins = [p for p in (await session.exec(select(Person))).all() if p.is_admin and p.active]
        offer = admin_username is None and not no_admin and not admins and is_interactive()
        if offer and click.confirm("There is no admin yet. Create one now?", default=True):
            admin_username = click.prompt("Admin username", default="admin")
        if admin_username is None:
            if not admins and not no_admin:
                click.echo(
                    "No admin yet: run `hub init --admin-username NAME` or `hub demo` to get one."
                )
            click.echo(done)
            return
        if await find_person(session, admin_username) is not None:
            click.echo(
                f"{admin_username} already exists; left unchanged (`hub user reset-password` changes the password)."
            )
            return
        if await home_org(session) is None:
            if not is_interactive():
                raise click.ClickException(
                    "Name your organisation for the admin to belong to: add --org-name NAME."
                )
            await ensure_home_org(session, click.prompt("Organisation name"))
        password = _read_new_password(admin_password, admin_username)
        person = await add_person(
            session,
            username=admin_username,
            display_name=admin_name or "Administrator",
            password=password,
            roles=("admin",),
        )
        click.echo(f"Created the admin {person.username}. {done}")


@main.group()
def user() -> None:
    """Add, deactivate and reset people."""


def _stored_text(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Text the hub stores holds no NUL character, as at every other edge (hub.wire.inputs)."""
    if value is not None and NUL in value:
        raise click.BadParameter(
            "contains a NUL character (\\u0000), which the hub does not store; remove it."
        )
    return value


@user.command("add")
@click.argument("username", callback=_stored_text)
@click.option(
    "--name", "display_name", required=True, callback=_stored_text, help="Display name, e.g. 李娜."
)
@click.option("--name-en", callback=_stored_text, help="English name, e.g. Li Na.")
@click.option("--email", callback=_stored_text)
@click.option("--title", callback=_stored_text, help="Job title.")
@click.option("--password", help="For scripts; prefer --prompt on a terminal.")
@click.option("--prompt", "prompt_password", is_flag=True, help="Ask for the password (twice).")
@click.option(
    "--guest", is_flag=True, help="A partner's guest: sees only the shared channels they join."
)
@click.option(
    "--org",
    "org_name",
    callback=_stored_text,
    help="The guest's partner organisation (made if new).",
)
@click.option(
    "--role", "roles", multiple=True, help="A role such as admin, finance, hr or gm; repeatable."
)
@click.option("--locale", default="zh-CN", show_default=True, help="zh-CN or en.")
@click.option("--time-zone", default="Asia/Shanghai", show_default=True)
def user_add(
    username: str,
    display_name: str,
    name_en: str | None,
    email: str | None,
    title: str | None,
    password: str | None,
    prompt_password: bool,
    guest: bool,
    org_name: str | None,
    roles: tuple[str, ...],
    locale: str,
    time_zone: str,
) -> None:
    """Add a person (staff member, or a partner's guest with --guest --org NAME)."""
    if guest and not org_name:
        raise click.ClickException("A guest belongs to a partner organisation: add --org NAME.")
    if org_name and not guest:
        raise click.ClickException(
            "--org is for guests: add --guest, or drop --org to add a staff member."
        )
    if password is not None and prompt_password:
        raise click.ClickException("Give either --password or --prompt, not both.")
    if prompt_password:
        password = _read_new_password(None, username)
    settings = load_settings()

    async def work() -> None:
        from hub.people import add_person, ensure_partner_org  # noqa: PLC0415

        async with session_for(settings) as session:
            org_id = (await ensure_partner_org(session, org_name)).id if org_name else None
            person = await add_person(
                session,
                username=username,
                display_name=display_name,
                name_en=name_en,
                email=email,
                title=title,
                password=password,
                kind="guest" if guest else "member",
                org_id=org_id,
                roles=roles,
                locale=locale,
                time_zone=time_zone,
            )
            org = await session.get(Org, person.org_id)
            role_text = f", roles: {', '.join(person.roles)}" if person.roles else ""
            click.echo(
                f"Added {person.username} ({person.display_name}), {person.kind} of {org.name if org else '?'}{role_text}."
            )
            if person.password_hash is None:
                click.echo(
                    f"No password yet: set one with `hub user reset-password {person.username}`."
                )

    run(work())


async def _close_connections(settings: Settings, person_ids: list[int], reason: str) -> None:
    """The open connections of people whose access ended (deactivated, password reset):
    closed now through Redis, else by each hub's check (hub.auth.access)."""
    if not await end_sessions_everywhere(settings, person_ids, CLOSE_ACCESS_ENDED, reason):
        click.echo(
            "Without Redis the running hub cannot hear of it at once: it closes their open "
            f"connections within {settings.account_check_seconds:g} s (HUB_ACCOUNT_CHECK_SECONDS)."
        )


@user.command("deactivate")
@click.argument("username")
def user_deactivate(username: str) -> None:
    """Stop a person signing in and end their sessions (their messages stay)."""
    settings = load_settings()

    async def work() -> None:
        from hub.people import deactivate_person  # noqa: PLC0415

        async with session_for(settings) as session:
            person = await deactivate_person(session, username)
        click.echo(
            f"Deactivated {person.username}: they can no longer sign in, and their sessions have ended."
        )
        await _close_connections(settings, [person.id or 0], ACCOUNT_DEACTIVATED)

    run(work())


@user.command("reset-password")
@click.argument("username")
@click.option("--password", help="For scripts; asked for twice on a terminal otherwise.")
def user_reset_password(username: str, password: str | None) -> None:
    """Set a new password; the person's existing sessions end."""
    settings = load_settings()

    async def work() -> None:
        from hub.people import get_person, reset_password  # noqa: PLC0415

        async with session_for(settings) as session:
            await get_person(session, username)  # say "no such person" before asking for a password
            person = await reset_password(session, username, _read_new_password(password, username))
        click.echo(f"Password changed for {person.username}; their existing sessions have ended.")
        await _close_connections(settings, [person.id or 0], "password changed: sign in again")

    run(work())


@main.command("import-org")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and report the changes without writing them.")
def import_org_command(files: tuple[Path, ...], dry_run: bool) -> None:
    """Sync departments and people from HR files (CSV or JSON; format in docs/operations.md)."""
    from hub.orgimport import ImportProblems, import_org, read_import_files  # noqa: PLC0415

    settings = load_settings()

    async def work() -> None:
        parsed = read_import_files(files)
        async with session_for(settings) as session:
            report = await import_org(session, parsed, dry_run=dry_run)
        for warning in report.warnings:
            click.echo(f"warning: {warning}", err=True)
        for line in report.changes:
            click.echo(line)
        for line in report.summary():
            click.echo(line)
        if not dry_run:
            await _close_connections(settings, report.deactivated_ids, ACCOUNT_DEACTIVATED)
        if dry_run:
            click.echo("Dry run: nothing was written. Run again without --dry-run to apply.")
        elif report.without_password:
            click.echo(
                f"{len(report.without_password)} new people have no password yet: "
                "give each one with `hub user reset-password USERNAME`."
            )

    try:
        run(work())
    except ImportProblems as error:
        for problem in error.problems:
            click.echo(f"error: {problem}", err=True)
        raise click.ClickException(
            f"Nothing was imported: fix the {len(error.problems)} problem(s) above and run the import again."
        ) from None


@main.command()
@_STARTING_SERVER
def demo(starting_server: bool) -> None:
    """Create the demo organisation 星河科技 (Galaxy Tech) with people, channels and messages."""
    from hub.demo import DEMO_PASSWORD, GUEST, PEOPLE, run_demo  # noqa: PLC0415

    settings = load_settings()

    async def work() -> None:
        async with database(settings) as engine:
            result = await run_demo(engine)
        if result.created_people or result.created_channels or result.messages_sent:
            click.echo(
                f"Demo organisation {result.org.name}: {len(result.created_people)} people, "
                f"{len(result.created_channels)} channels and {result.messages_sent} messages added."
            )
        else:
            click.echo(f"Demo organisation {result.org.name} is already set up; nothing to add.")
        click.echo(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for spec in (*PEOPLE, GUEST):
            if spec.username in result.kept_people:
                continue
            roles = f" [{', '.join(spec.roles)}]" if spec.roles else ""
            click.echo(f"  {spec.username:<13} {spec.display_name} · {spec.title}{roles}")
        for username in result.kept_people:
            click.echo(f"  {username} existed before the demo; its password is unchanged.")
        if not starting_server:  # `hub serve` prints the sign-in itself
            click.echo(f"Start the server with `hub serve` and sign in as admin / {DEMO_PASSWORD}.")

    run(work())


main.add_command(bot_group)  # `hub bot ...` lives in hub.cli_bots
user.add_command(role_group)  # `hub user role ...` lives in hub.cli_roles
