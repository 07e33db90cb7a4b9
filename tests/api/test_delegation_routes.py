"""Out of office over HTTP (PUT, GET, DELETE /api/v1/me/delegation): each answer checked
against /openapi.json; bad input is refused with the field named and changes nothing. What a
delegate may then do on cards is in tests/bots/test_delegation.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.api.conftest import SignIn, World

PATH = "/api/v1/me/delegation"


def soon(days: float) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


async def view(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get(PATH)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_a_delegation_is_named_seen_by_both_and_ended(
    world: World, bob: httpx.AsyncClient, sign_in_as: SignIn
) -> None:
    carol = await sign_in_as("carol")
    assert await view(bob) == {"delegation": None, "acting_for": []}

    named = await bob.put(PATH, json={"delegate_id": world.carol, "ends_at": soon(3)})
    assert named.status_code == 200, named.text
    mine = named.json()["delegation"]
    assert (mine["delegate"]["username"], mine["active"]) == ("carol", True)
    theirs = await view(carol)
    assert [a["person"]["username"] for a in theirs["acting_for"]] == ["bob"]
    assert theirs["acting_for"][0]["ends_at"] == mine["ends_at"]

    # A second one replaces the first: one delegation per person.
    planned = await bob.put(
        PATH, json={"delegate_id": world.alice, "starts_at": soon(1), "ends_at": soon(2)}
    )
    assert planned.status_code == 200, planned.text
    assert planned.json()["delegation"]["delegate"]["username"] == "alice"
    assert planned.json()["delegation"]["active"] is False
    assert (await view(carol))["acting_for"] == []

    ended = await bob.delete(PATH)
    assert ended.status_code == 200 and ended.json()["delegation"] is None
    assert (await bob.delete(PATH)).json()["delegation"] is None  # ending twice is harmless


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"delegate_id": "bob", "ends_at": "soon"}, 400, "validation_failed"),
        ({"ends_at": "2026-12-31T18:00:00+08:00"}, 400, "validation_failed"),
        ({"delegate_id": 1, "ends_at": "2026-12-31T18:00:00"}, 400, "validation_failed"),
        ({"delegate_id": 999_999, "ends_at": "2099-12-31T18:00:00+08:00"}, 404, "person_not_found"),
    ],
)
async def test_malformed_requests_are_refused(
    world: World, bob: httpx.AsyncClient, body: dict[str, Any], status: int, code: str
) -> None:
    answer = await bob.put(PATH, json=body)
    assert answer.status_code == status, answer.text
    assert answer.json()["error"]["code"] == code
    assert (await view(bob))["delegation"] is None


async def test_no_inactive_delegate_and_no_delegation_by_a_guest(
    world: World, bob: httpx.AsyncClient, sign_in_as: SignIn
) -> None:
    dave = await bob.put(PATH, json={"delegate_id": world.dave, "ends_at": soon(1)})
    assert dave.status_code == 400 and dave.json()["error"]["details"] == {"field": "delegate_id"}
    gina = await sign_in_as("gina")
    refused = await gina.put(PATH, json={"delegate_id": world.alice, "ends_at": soon(1)})
    assert refused.status_code == 403, refused.text
    assert await view(gina) == {"delegation": None, "acting_for": []}
