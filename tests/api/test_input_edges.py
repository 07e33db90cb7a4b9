"""No input gets a 500: NUL characters and ids out of range, on SQLite and on PostgreSQL.

One rule for both databases (hub/wire/inputs.py): text holding U+0000 is refused with
`validation_failed` naming the field, and nothing is stored; an id too large for an id
column is not found (the route's usual code); a negative one is `validation_failed`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from hub.config import Settings
from hub.db import create_engine
from tests.api.conftest import World, _seed, settings_for

NUL = "a\u0000b"
BEYOND_INT32 = 2**31
BEYOND_INT64 = 2**64


@pytest.fixture
async def world(database_url: str) -> World:
    return await _seed(database_url)


@pytest.fixture
def settings(world: World, tmp_path: Path) -> Settings:
    return settings_for(world, tmp_path, bots=["poll", "tests.bots.samplebot:bot"])


async def rows(world: World, table: str) -> int:
    engine = create_engine(world.url)
    try:
        async with engine.connect() as conn:
            count = await conn.execute(sa.select(sa.func.count()).select_from(sa.table(table)))
            return int(count.scalar_one())
    finally:
        await engine.dispose()


def refused_nul(response: httpx.Response, field: str) -> None:
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_failed", error
    assert f"`{field}` contains a NUL character" in error["message"], error
    assert error["details"] == {"field": field}


def answered(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code, response.text


async def new_channel(client: httpx.AsyncClient, name: str = "room", **fields: Any) -> int:
    response = await client.post(
        "/api/v1/channels", json={"name": name, "kind": "public", **fields}
    )
    assert response.status_code == 201, response.text
    channel_id: int = response.json()["channel"]["id"]
    return channel_id


async def send(client: httpx.AsyncClient, channel_id: int, text: str, cmid: str) -> httpx.Response:
    return await client.post(
        f"/api/v1/channels/{channel_id}/messages", json={"text": text, "client_msg_id": cmid}
    )


async def test_nul_in_sign_in_profile_and_search_is_refused(
    anon: httpx.AsyncClient, bob: httpx.AsyncClient, world: World
) -> None:
    signed = await anon.post(
        "/api/v1/auth/sign-in", json={"username": "al\u0000ice", "password": "x", "client": "api"}
    )
    refused_nul(signed, "username")
    refused_nul(await bob.patch("/api/v1/me", json={"display_name": NUL}), "display_name")
    assert (await bob.get("/api/v1/me")).json()["person"]["display_name"] == "Bob"
    refused_nul(await bob.get("/api/v1/people", params={"q": NUL}), "q")
    refused_nul(await bob.get("/api/v1/channels/browse", params={"q": NUL}), "q")


async def test_nul_in_channels_messages_and_reactions_is_refused(
    bob: httpx.AsyncClient, world: World
) -> None:
    channels_before = await rows(world, "channel")
    refused_nul(await bob.post("/api/v1/channels", json={"name": NUL, "kind": "public"}), "name")
    refused_nul(
        await bob.post("/api/v1/channels", json={"name": "ok", "kind": "public", "topic": NUL}),
        "topic",
    )
    assert await rows(world, "channel") == channels_before
    channel = await new_channel(bob)
    refused_nul(await bob.patch(f"/api/v1/channels/{channel}", json={"topic": NUL}), "topic")
    refused_nul(await bob.patch(f"/api/v1/channels/{channel}", json={"name": NUL}), "name")
    assert (await bob.get(f"/api/v1/channels/{channel}")).json()["channel"]["topic"] == ""

    refused_nul(await send(bob, channel, NUL, "c1"), "text")
    refused_nul(await send(bob, channel, "fine", "c\u00002"), "client_msg_id")
    assert await rows(world, "message") == 0
    sent = await send(bob, channel, "hello", "c3")
    message_id = sent.json()["message"]["id"]
    refused_nul(await bob.patch(f"/api/v1/messages/{message_id}", json={"text": NUL}), "text")
    refused_nul(
        await bob.post(f"/api/v1/messages/{message_id}/reactions", json={"emoji": NUL}), "emoji"
    )
    refused_nul(await bob.delete(f"/api/v1/messages/{message_id}/reactions/a%00b"), "emoji")
    assert await rows(world, "reaction") == 0
    page = (await bob.get(f"/api/v1/channels/{channel}/messages")).json()
    assert [m["text"] for m in page["messages"]] == ["hello"]


async def test_nul_in_commands_cards_and_forms_is_refused(
    bob: httpx.AsyncClient, carol: httpx.AsyncClient, world: World
) -> None:
    channel = await new_channel(bob, member_ids=[world.carol])
    refused_nul(
        await bob.post(f"/api/v1/channels/{channel}/commands", json={"text": "/poll a\u0000 b c"}),
        "text",
    )
    assert await rows(world, "message") == 0
    ran = await bob.post(
        f"/api/v1/channels/{channel}/commands", json={"text": f"/expense {world.carol}"}
    )
    card = ran.json()["messages"][0]
    refused_nul(
        await carol.post(
            f"/api/v1/messages/{card['id']}/card/actions",
            json={"action_id": "approve", "version": card["card_version"], "values": {"x": NUL}},
        ),
        "values.x",
    )
    assert await rows(world, "card_action") == 0
    asked = await bob.post(f"/api/v1/channels/{channel}/commands", json={"text": "/ask"})
    (form,) = asked.json()["forms"]
    refused_nul(
        await bob.post(f"/api/v1/forms/{form['form_id']}", json={"values": {"why": NUL}}),
        "values.why",
    )
    refused_nul(await bob.post("/api/v1/forms/f%00x", json={"values": {}}), "form_id")


async def test_nul_in_incoming_webhooks_is_refused(
    bob: httpx.AsyncClient, anon: httpx.AsyncClient, world: World
) -> None:
    channel = await new_channel(bob)
    refused_nul(
        await bob.post("/api/v1/webhooks/incoming", json={"channel_id": channel, "name": NUL}),
        "name",
    )
    created = await bob.post(
        "/api/v1/webhooks/incoming", json={"channel_id": channel, "name": "CI"}
    )
    path = created.json()["url"].split("testserver")[-1]
    refused_nul(await anon.post(path, json={"text": NUL}), "text")
    refused_nul(
        await anon.post(path, data={"payload": '{"text": "a\\u0000b"}'}),
        "text",
    )
    assert await rows(world, "message") == 0


async def test_ids_beyond_the_columns_are_not_found(bob: httpx.AsyncClient, world: World) -> None:
    channels_before = await rows(world, "channel")
    for too_big in (BEYOND_INT32, BEYOND_INT64):
        answered(await bob.post(f"/api/v1/channels/{too_big}/join"), 404, "channel_not_found")
        answered(await bob.get(f"/api/v1/channels/{too_big}/messages"), 404, "channel_not_found")
        answered(await bob.get(f"/api/v1/messages/{too_big}"), 404, "message_not_found")
        answered(await bob.get(f"/api/v1/people/{too_big}"), 404, "person_not_found")
        answered(
            await bob.get("/api/v1/presence", params={"ids": f"{world.carol},{too_big}"}),
            404,
            "person_not_found",
        )
        answered(
            await bob.post("/api/v1/channels/direct", json={"person_ids": [too_big]}),
            404,
            "person_not_found",
        )
        looked_up = await bob.get("/api/v1/people/lookup", params={"ids": f"{too_big}"})
        assert looked_up.status_code == 200 and looked_up.json()["people"] == []
    channel = await new_channel(bob)
    answered(
        await bob.post(
            f"/api/v1/channels/{channel}/messages",
            json={"text": "hi", "client_msg_id": "r1", "thread_root_id": BEYOND_INT32},
        ),
        404,
        "message_not_found",
    )
    answered(
        await bob.post(f"/api/v1/channels/{channel}/members", json={"person_ids": [BEYOND_INT32]}),
        404,
        "person_not_found",
    )
    assert await rows(world, "channel") == channels_before + 1
    assert await rows(world, "message") == 0


async def test_malformed_ids_and_cursors_beyond_range_are_refused(
    bob: httpx.AsyncClient, world: World
) -> None:
    answered(
        await bob.post("/api/v1/channels/direct", json={"person_ids": [-36028797018963969]}),
        400,
        "validation_failed",
    )
    answered(
        await bob.post("/api/v1/channels/direct", json={"person_ids": [0]}),
        400,
        "validation_failed",
    )
    answered(
        await bob.get("/api/v1/people", params={"after": BEYOND_INT32}), 400, "validation_failed"
    )
    answered(
        await bob.get("/api/v1/people", params={"after": BEYOND_INT64}), 400, "validation_failed"
    )
    channel = await new_channel(bob)
    for cursor in ("before", "after"):
        answered(
            await bob.get(f"/api/v1/channels/{channel}/messages", params={cursor: BEYOND_INT32}),
            400,
            "validation_failed",
        )
    answered(
        await bob.post(f"/api/v1/channels/{channel}/read", json={"seq": BEYOND_INT64}),
        400,
        "validation_failed",
    )
    assert await rows(world, "channel_event") == 1  # only the channel's creation
