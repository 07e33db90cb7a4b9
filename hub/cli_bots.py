"""`hub bot ...`: list bots, register an external bot, make, list and revoke its tokens.

The same functions the admin API uses (hub.bots.external, hub.auth.bot_tokens).
"""

from __future__ import annotations

import click

from hub.cli_support import load_settings, run, session_for


@click.group("bot")
def bot_group() -> None:
    """Bots and bot tokens (docs/bots.md)."""


@bot_group.command("list")
def bot_list() -> None:
    """Every registered bot: plug-ins (after their first start) and external bots."""
    settings = load_settings()

    async def work() -> None:
        from sqlmodel import col, select  # noqa: PLC0415

        from hub.models import Bot  # noqa: PLC0415

        async with session_for(settings) as session:
            rows = (await session.exec(select(Bot).order_by(col(Bot.name)))).all()
        if not rows:
            click.echo("No bots yet: plug-in bots register when `hub serve` starts.")
        for row in rows:
            click.echo(f"{row.name:<20} {row.kind:<9} id {row.person_id:<6} {row.description}")

    run(work())


@bot_group.command("create")
@click.argument("name")
@click.option("--display-name", required=True, help="The name people see, e.g. 'ERP 系统'.")
@click.option("--description", default="", help="One line on what it does.")
def bot_create(name: str, display_name: str, description: str) -> None:
    """Register an external bot NAME (it acts through the API with a token)."""
    settings = load_settings()

    async def work() -> None:
        from hub.bots.external import register_external_bot  # noqa: PLC0415

        async with session_for(settings) as session:
            _, person = await register_external_bot(
                session, name=name, display_name=display_name, description=description
            )
        click.echo(f"Registered bot {name} (id {person.id}). Make its token: hub bot token {name}")

    run(work())


@bot_group.command("makemigration")
@click.argument("name")
@click.option("-m", "--message", required=True, help='What changed, e.g. "leave requests".')
def bot_makemigration(name: str, message: str) -> None:
    """Write a migration for bot NAME's own tables from its models (an installed bot's name,
    or an import path such as mybots.standup:bot)."""
    from hub.bot_migrations import MigrationError, make_bot_migration  # noqa: PLC0415
    from hub.bots.registry import find_bot  # noqa: PLC0415

    try:
        path = make_bot_migration(find_bot(name), message)
    except (MigrationError, RuntimeError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Wrote {path}. Review it, then apply it with: hub init")


@bot_group.command("token")
@click.argument("name")
def bot_token(name: str) -> None:
    """Make a token for bot NAME. It is printed once: store it in the integration's secrets."""
    settings = load_settings()

    async def work() -> None:
        from hub.auth.bot_tokens import create_bot_token  # noqa: PLC0415
        from hub.bots.external import find_bot  # noqa: PLC0415

        async with session_for(settings) as session:
            _, person = await find_bot(session, name)
            token, token_id = await create_bot_token(session, settings.secret(), person.id or 0)
        click.echo(
            f"Token {token_id} for {name} (shown once; use it as `Authorization: Bearer ...`):"
        )
        click.echo(token)

    run(work())


@bot_group.command("tokens")
@click.argument("name")
def bot_tokens(name: str) -> None:
    """List bot NAME's tokens by id (never the tokens themselves)."""
    settings = load_settings()

    async def work() -> None:
        from hub.auth.bot_tokens import list_bot_tokens  # noqa: PLC0415
        from hub.bots.external import find_bot  # noqa: PLC0415

        async with session_for(settings) as session:
            _, person = await find_bot(session, name)
            tokens = await list_bot_tokens(session, person.id or 0)
        for info in tokens:
            state = f"revoked {info.revoked_at:%Y-%m-%d}" if info.revoked_at else "live"
            click.echo(f"{info.token_id}  made {info.created_at:%Y-%m-%d %H:%M}Z  {state}")
        if not tokens:
            click.echo(f"{name} has no tokens; make one with: hub bot token {name}")

    run(work())


@bot_group.command("revoke")
@click.argument("name")
@click.argument("token_id")
def bot_revoke(name: str, token_id: str) -> None:
    """Revoke bot NAME's token TOKEN_ID; it stops working at once."""
    settings = load_settings()

    async def work() -> None:
        from hub.auth.bot_tokens import revoke_bot_token  # noqa: PLC0415
        from hub.bots.external import find_bot  # noqa: PLC0415

        async with session_for(settings) as session:
            _, person = await find_bot(session, name)
            await revoke_bot_token(session, person.id or 0, token_id)
        click.echo(f"Revoked token {token_id} of {name}.")

    run(work())
