"""Ending access means at once: deactivation, a password reset and an HR import close the
person's open sockets on every process through the broker, and a send that was
authenticated before a deactivation but reaches the writer after it is refused.

Every hub here checks accounts only once an hour (`account_check_seconds=3600`), so only
the message on the broker can close a socket within the test's wait.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result
from websockets.exceptions import ConnectionClosed

from hub.cli import main
from hub.config import get_settings
from hub.db import create_engine
from tests.support import (
    WAIT,
    Client,
    Seed,
    count_rows,
    running_hub,
    seed_database,
    ticket_for,
)

HOURLY = 3600


@pytest.fixture
def hub_cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[pytest.MonkeyPatch]:
    """The `hub` command's environment; each test sets HUB_DATABASE_URL (and HUB_REDIS_URL)."""
    monkeypatch.setenv("HUB_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HUB_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.delenv("HUB_REDIS_URL", raising=False)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


async def run_cli(
    env: pytest.MonkeyPatch, database_url: str, redis_url: str | None, *args: str
) -> Result:
    env.setenv("HUB_DATABASE_URL", database_url)
    if redis_url:
        env.setenv("HUB_REDIS_URL", redis_url)
    get_settings.cache_clear()
    # The command runs its own event loop, as it does in a terminal: give it a thread.
    result: Result = await asyncio.to_thread(CliRunner().invoke, main, list(args))
    assert result.exit_code == 0, result.output
    return result


async def closed_with(client: Client) -> tuple[int, str]:
    """Read until the server closes the socket; the close code and reason it sent."""
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            await client.recv(timeout=WAIT)
    received = closed.value.rcvd
    assert received is not None, "the client, not the server, closed the socket"
    return received.code, received.reason


async def still_open(client: Client) -> bool:
    await client.send({"type": "ping", "ref": "still-there"})
    await client.expect("pong", ref="still-there")
    return True


async def test_cli_deactivate_closes_the_socket_at_once(
    seed: Seed, redis_url: str, hub_cli: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    async with running_hub(
        seed.url, tmp_path, redis_url=redis_url, account_check_seconds=HOURLY
    ) as hub:
        bob = await Client.connect(hub.ws_url, await ticket_for(seed.url, seed.id("bob")))
        alice = await Client.connect(hub.ws_url, await ticket_for(seed.url, seed.id("alice")))
        result = await run_cli(hub_cli, seed.url, redis_url, "user", "deactivate", "bob")
        assert "Deactivated bob" in result.output
        assert await closed_with(bob) == (4001, "account deactivated")
        assert await still_open(alice)
        await alice.close()


async def test_cli_reset_password_closes_the_socket_at_once(
    seed: Seed, redis_url: str, hub_cli: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    async with running_hub(
        seed.url, tmp_path, redis_url=redis_url, account_check_seconds=HOURLY
    ) as hub:
        bob = await Client.connect(hub.ws_url, await ticket_for(seed.url, seed.id("bob")))
        await run_cli(
            hub_cli,
            seed.url,
            redis_url,
            "user",
            "reset-password",
            "bob",
            "--password",
            "a-new-one-1",
        )
        assert await closed_with(bob) == (4001, "password changed: sign in again")


async def test_import_deactivating_a_person_closes_their_socket_at_once(
    seed: Seed, redis_url: str, hub_cli: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    people = tmp_path / "people.csv"
    people.write_text("username,display_name,active\ncarol,Carol 陈,false\n", encoding="utf-8")
    async with running_hub(
        seed.url, tmp_path, redis_url=redis_url, account_check_seconds=HOURLY
    ) as hub:
        carol = await Client.connect(hub.ws_url, await ticket_for(seed.url, seed.id("carol")))
        result = await run_cli(hub_cli, seed.url, redis_url, "import-org", str(people))
        assert "1 deactivated" in result.output
        assert await closed_with(carol) == (4001, "account deactivated")


async def test_cli_deactivate_closes_sockets_on_every_process(
    postgres_url: str, redis_url: str, hub_cli: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seed = await seed_database(postgres_url)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    async with (
        running_hub(
            seed.url, tmp_path / "a", redis_url=redis_url, account_check_seconds=HOURLY
        ) as hub_a,
        running_hub(
            seed.url, tmp_path / "b", redis_url=redis_url, account_check_seconds=HOURLY
        ) as hub_b,
    ):
        on_a = await Client.connect(hub_a.ws_url, await ticket_for(seed.url, seed.id("gina")))
        on_b = await Client.connect(hub_b.ws_url, await ticket_for(seed.url, seed.id("gina")))
        bob = await Client.connect(hub_b.ws_url, await ticket_for(seed.url, seed.id("bob")))
        # A partner's guest leaves by deactivation, like anyone else.
        await run_cli(hub_cli, seed.url, redis_url, "user", "deactivate", "gina")
        assert await closed_with(on_a) == (4001, "account deactivated")
        assert await closed_with(on_b) == (4001, "account deactivated")
        assert await still_open(bob)
        await bob.close()


async def test_without_redis_the_cli_says_when_sockets_close(
    seed: Seed, hub_cli: pytest.MonkeyPatch
) -> None:
    result = await run_cli(hub_cli, seed.url, None, "user", "deactivate", "bob")
    assert "within 5 s (HUB_ACCOUNT_CHECK_SECONDS)" in result.output


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A SQLite file, then a fresh PostgreSQL database (postgres_url skips when none is set)."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


async def test_a_send_racing_the_deactivation_is_refused(database_url: str, tmp_path: Path) -> None:
    seed = await seed_database(database_url)
    general = seed.channels["general"]
    async with running_hub(seed.url, tmp_path, account_check_seconds=HOURLY) as hub:
        bob = await Client.connect(hub.ws_url, await ticket_for(seed.url, seed.id("bob")))
        # The deactivation commits, and its word has not reached bob's socket yet: the
        # socket was authenticated before, the send reaches the writer after.
        engine = create_engine(seed.url)
        try:
            async with engine.begin() as conn:
                await conn.execute(
                    sa.text("UPDATE person SET active = false WHERE id = :id"),
                    {"id": seed.id("bob")},
                )
        finally:
            await engine.dispose()
        await bob.send(
            {"type": "send", "channel_id": general, "client_msg_id": "late-1", "text": "too late"}
        )
        refused = await bob.expect_any(("ack", "error"), client_msg_id="late-1")
        assert refused["type"] == "error" and refused["code"] == "not_authenticated"
        assert "deactivated" in refused["message"]
        assert await count_rows(seed.url, "message", "client_msg_id = :c", c="late-1") == 0
        await bob.close()
