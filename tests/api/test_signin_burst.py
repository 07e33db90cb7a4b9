"""The sign-in lock holds when the attempts come all at once (issue 10, section 1).

A burst of wrong passwords sent together must not get more passwords checked than the
limit (5), for one account from many addresses and for many accounts from one address, on
SQLite and on PostgreSQL with two hub processes sharing the database. A 401 means the
password was checked; the rest must get the lock's 429.

The real servers sit behind uvicorn's proxy-header handling, which trusts X-Forwarded-For
from 127.0.0.1, so each request can name the client address it stands for.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import OpenApiRecorder
from tests.support import PASSWORD, HubProcess, count_rows, running_hub, seed_database

LIMIT = 5  # Settings.login_max_failures
BURST = 20
WRONG = "wrong password"


@dataclass
class Hubs:
    url: str
    processes: list[HubProcess]


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A SQLite file, then a fresh PostgreSQL database (postgres_url skips when none is set)."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
async def hubs(database_url: str, tmp_path: Path) -> AsyncIterator[Hubs]:
    """Two hub processes on one database, seeded with 13 members besides alice, bob and carol."""
    seed = await seed_database(database_url, members=13)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    async with (
        running_hub(seed.url, tmp_path / "a") as hub_a,
        running_hub(seed.url, tmp_path / "b") as hub_b,
    ):
        yield Hubs(seed.url, [hub_a, hub_b])


async def burst(
    hubs: Hubs, recorder: OpenApiRecorder, attempts: list[tuple[str, str, str]]
) -> Counter[tuple[int, str]]:
    """Send every (username, password, address) sign-in at once, alternating between the
    processes; count the answers by (status, error code)."""
    async with httpx.AsyncClient(event_hooks={"response": [recorder]}, timeout=60) as http:
        responses = await asyncio.gather(
            *(
                http.post(
                    hubs.processes[i % len(hubs.processes)].base + "/api/v1/auth/sign-in",
                    json={"username": username, "password": password, "client": "api"},
                    headers={"X-Forwarded-For": address},
                )
                for i, (username, password, address) in enumerate(attempts)
            )
        )
    return Counter(
        (r.status_code, r.json()["error"]["code"] if r.status_code >= 400 else "")
        for r in responses
    )


async def sign_in_status(hub: HubProcess, username: str, password: str, address: str) -> int:
    async with httpx.AsyncClient() as http:
        response = await http.post(
            hub.base + "/api/v1/auth/sign-in",
            json={"username": username, "password": password, "client": "api"},
            headers={"X-Forwarded-For": address},
        )
    return response.status_code


async def test_a_burst_on_one_account_checks_at_most_five_passwords(
    hubs: Hubs, recorder: OpenApiRecorder
) -> None:
    attempts = [("bob", WRONG, f"198.51.100.{i + 1}") for i in range(BURST)]
    answers = await burst(hubs, recorder, attempts)
    checked = answers[(401, "invalid_credentials")]
    assert checked <= LIMIT, f"{checked} of {BURST} passwords were checked: {dict(answers)}"
    # Nothing refused that the limit allowed, and every other attempt got the lock's answer.
    assert answers == {
        (401, "invalid_credentials"): LIMIT,
        (429, "too_many_attempts"): BURST - LIMIT,
    }
    assert await count_rows(hubs.url, "login_failure", "key = :key", key="account:bob") == LIMIT
    # The account is locked, even with the right password from a fresh address...
    assert await sign_in_status(hubs.processes[1], "bob", PASSWORD, "198.51.100.200") == 429
    # ...while another account signs in from one of the burst's addresses.
    assert await sign_in_status(hubs.processes[0], "carol", PASSWORD, "198.51.100.1") == 200


async def test_a_burst_from_one_address_checks_at_most_five_passwords(
    hubs: Hubs, recorder: OpenApiRecorder
) -> None:
    attempts = [(f"user{i:03d}", WRONG, "203.0.113.7") for i in range(13)]
    answers = await burst(hubs, recorder, attempts)
    checked = answers[(401, "invalid_credentials")]
    assert checked <= LIMIT, f"{checked} of 13 passwords were checked: {dict(answers)}"
    assert answers == {(401, "invalid_credentials"): LIMIT, (429, "too_many_attempts"): 13 - LIMIT}
    assert (
        await count_rows(hubs.url, "login_failure", "key = :key", key="address:203.0.113.7")
        == LIMIT
    )
    # The address is locked for everyone; the accounts it tried are not, from elsewhere.
    assert await sign_in_status(hubs.processes[1], "alice", PASSWORD, "203.0.113.7") == 429
    assert await sign_in_status(hubs.processes[0], "user000", PASSWORD, "203.0.113.8") == 200


async def test_a_right_password_within_the_limit_signs_in_and_clears_the_account(
    anon: httpx.AsyncClient,
) -> None:
    for _ in range(LIMIT - 1):
        response = await anon.post(
            "/api/v1/auth/sign-in", json={"username": "bob", "password": WRONG}
        )
        assert response.status_code == 401
    right = await anon.post("/api/v1/auth/sign-in", json={"username": "bob", "password": PASSWORD})
    assert right.status_code == 200
    # The account's failures are gone, so bob may fail again before the lock; the
    # address keeps its own count (4 failures + 1 below) and locks at the fifth.
    again = await anon.post("/api/v1/auth/sign-in", json={"username": "bob", "password": WRONG})
    assert again.status_code == 401
    locked = await anon.post("/api/v1/auth/sign-in", json={"username": "bob", "password": WRONG})
    assert locked.status_code == 429


async def test_a_deactivated_account_with_the_right_password_is_not_a_failure(
    anon: httpx.AsyncClient,
) -> None:
    # Each attempt takes a place in the count before its password is checked; a right
    # password gives the place back, so the answer stays "deactivated", never the lock.
    for _ in range(LIMIT + 2):
        response = await anon.post(
            "/api/v1/auth/sign-in", json={"username": "dave", "password": PASSWORD}
        )
        assert response.status_code == 403
