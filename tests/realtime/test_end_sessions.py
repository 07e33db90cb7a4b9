"""Ending access means at once: deactivation, a password reset and an HR import close the
person's open sockets on every process through the broker; signing out closes the sockets
that session opened, and signing out everywhere all of them; and a send, edit, reaction or
card action that was authenticated before a deactivation but is written after it is refused.

Most hubs here check accounts only once an hour (`account_check_seconds=3600`), so only
the message on the broker can close a socket within the test's wait; the tests of the
check itself (no Redis) run it often.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result
from websockets.exceptions import ConnectionClosed

from hub.cli import main
from hub.config import get_settings
from hub.db import create_engine
from tests.support import (
    PASSWORD,
    WAIT,
    Client,
    HubProcess,
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


@asynccontextmanager
async def two_hubs(
    seed: Seed, redis_url: str, tmp_path: Path
) -> AsyncIterator[tuple[HubProcess, HubProcess]]:
    """Two hub processes on one database and one Redis, checking accounts only hourly."""
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
        yield hub_a, hub_b


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
    async with two_hubs(seed, redis_url, tmp_path) as (hub_a, hub_b):
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


async def sign_in(hub: HubProcess, username: str) -> str:
    """A bearer token, as an API client or a phone app gets by signing in."""
    async with httpx.AsyncClient(base_url=hub.base) as http:
        response = await http.post(
            "/api/v1/auth/sign-in",
            json={"username": username, "password": PASSWORD, "client": "api"},
        )
    assert response.status_code == 200, response.text
    token: str = response.json()["token"]
    return token


async def socket_of(hub: HubProcess, token: str) -> Client:
    """A WebSocket opened the way clients open one: with a ticket the session asked for."""
    async with httpx.AsyncClient(base_url=hub.base) as http:
        response = await http.post(
            "/api/v1/auth/ws-ticket", headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 200, response.text
    return await Client.connect(hub.ws_url, response.json()["ticket"])


async def post_as(hub: HubProcess, token: str, path: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=hub.base) as http:
        return await http.post(path, headers={"Authorization": f"Bearer {token}"})


async def test_without_redis_a_password_reset_closes_the_socket_within_the_check(
    seed: Seed, hub_cli: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    async with running_hub(seed.url, tmp_path, account_check_seconds=0.2) as hub:
        bob = await socket_of(hub, await sign_in(hub, "bob"))
        alice = await socket_of(hub, await sign_in(hub, "alice"))
        # The CLI is another process and there is no broker: only the hub's own check of
        # the sessions its sockets were opened with can notice.
        result = await run_cli(
            hub_cli, seed.url, None, "user", "reset-password", "bob", "--password", "new-one-22"
        )
        assert "(HUB_ACCOUNT_CHECK_SECONDS)" in result.output
        assert await closed_with(bob) == (4001, "session ended: sign in again")
        assert await still_open(alice)
        await alice.close()


async def test_signing_out_closes_the_sockets_of_that_session_only(
    seed: Seed, tmp_path: Path
) -> None:
    async with running_hub(seed.url, tmp_path, account_check_seconds=HOURLY) as hub:
        laptop, phone = await sign_in(hub, "bob"), await sign_in(hub, "bob")
        on_laptop, on_phone = await socket_of(hub, laptop), await socket_of(hub, phone)
        signed_out = await post_as(hub, laptop, "/api/v1/auth/sign-out")
        assert signed_out.status_code == 204
        assert await closed_with(on_laptop) == (4001, "signed out")
        assert await still_open(on_phone)
        refused = await post_as(hub, laptop, "/api/v1/auth/ws-ticket")
        assert refused.status_code == 401
        assert (await post_as(hub, phone, "/api/v1/auth/ws-ticket")).status_code == 200
        await on_phone.close()


async def test_signing_out_everywhere_closes_every_socket_on_every_process(
    postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    seed = await seed_database(postgres_url)
    async with two_hubs(seed, redis_url, tmp_path) as (hub_a, hub_b):
        laptop, phone = await sign_in(hub_a, "bob"), await sign_in(hub_b, "bob")
        on_laptop, on_phone = await socket_of(hub_a, laptop), await socket_of(hub_b, phone)
        carol = await socket_of(hub_b, await sign_in(hub_b, "carol"))
        # One session signing out closes its own socket on the other process too.
        tablet = await sign_in(hub_a, "bob")
        on_tablet = await socket_of(hub_b, tablet)
        assert (await post_as(hub_a, tablet, "/api/v1/auth/sign-out")).status_code == 204
        assert await closed_with(on_tablet) == (4001, "signed out")
        assert await still_open(on_phone)

        done = await post_as(hub_a, laptop, "/api/v1/auth/sign-out-everywhere")
        assert done.status_code == 204
        assert await closed_with(on_laptop) == (4001, "signed out everywhere")
        assert await closed_with(on_phone) == (4001, "signed out everywhere")
        assert await still_open(carol)
        for token in (laptop, phone):
            assert (await post_as(hub_b, token, "/api/v1/auth/ws-ticket")).status_code == 401
        await carol.close()


async def test_edits_reactions_and_card_actions_racing_the_deactivation_are_refused(
    database_url: str, tmp_path: Path
) -> None:
    seed = await seed_database(database_url)
    general = seed.channels["general"]
    async with running_hub(
        seed.url, tmp_path, account_check_seconds=HOURLY, bots="tests.bots.samplebot:bot"
    ) as hub:
        alice_token, bob_token = await sign_in(hub, "alice"), await sign_in(hub, "bob")
        bob = await socket_of(hub, bob_token)
        await bob.send({"type": "send", "channel_id": general, "client_msg_id": "m1", "text": "hi"})
        mine = (await bob.expect("ack", client_msg_id="m1"))["message_id"]
        async with httpx.AsyncClient(base_url=hub.base) as http:
            posted = await http.post(
                f"/api/v1/channels/{general}/commands",
                json={"text": f"/expense {seed.id('bob')}"},
                headers={"Authorization": f"Bearer {alice_token}"},
            )
        assert posted.status_code == 200, posted.text
        card = posted.json()["messages"][0]
        await deactivate_behind_the_hubs_back(seed, "bob")

        frames = [
            {"type": "edit", "message_id": mine, "text": "edited late", "ref": "edit"},
            {"type": "react", "message_id": mine, "emoji": "👍", "ref": "react"},
            {"type": "delete", "message_id": mine, "ref": "delete"},
            {
                "type": "card_action",
                "message_id": card["id"],
                "version": card["card_version"],
                "action_id": "approve",
                "values": {"comment": "late"},
                "ref": "act",
            },
        ]
        for frame in frames:
            await bob.send(frame)
            refused = await bob.expect_any(("ack", "error"), ref=frame["ref"])
            assert refused["type"] == "error", refused
            assert refused["code"] == "not_authenticated" and "deactivated" in refused["message"]
        await bob.close()
    assert (
        await count_rows(
            seed.url, "message", "id = :m AND text = 'hi' AND deleted_at IS NULL", m=mine
        )
        == 1
    )
    assert await count_rows(seed.url, "reaction", "message_id = :m", m=mine) == 0
    assert await count_rows(seed.url, "card_action", "message_id = :m", m=card["id"]) == 0
    assert await count_rows(seed.url, "message", "id = :m AND card_version = 1", m=card["id"]) == 1


async def deactivate_behind_the_hubs_back(seed: Seed, username: str) -> None:
    """The deactivation commits, and its word has not reached the person's socket yet."""
    engine = create_engine(seed.url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                sa.text("UPDATE person SET active = false WHERE id = :id"),
                {"id": seed.id(username)},
            )
    finally:
        await engine.dispose()
