"""Bots over HTTP: commands, cards and forms; external bots with tokens; every response checked against OpenAPI."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from hub.config import Settings
from tests.api.conftest import ClientFactory, World, settings_for


@pytest.fixture
def settings(world: World, tmp_path: Any) -> Settings:
    return settings_for(world, tmp_path, bots=["poll", "tests.bots.samplebot:bot"])


def code(response: httpx.Response) -> str:
    value: str = response.json()["error"]["code"]
    return value


async def room(client: httpx.AsyncClient, *members: int) -> int:
    response = await client.post(
        "/api/v1/channels",
        json={"kind": "private", "name": "deals", "member_ids": list(members)},
    )
    assert response.status_code == 201, response.text
    channel_id: int = response.json()["channel"]["id"]
    return channel_id


async def test_commands_cards_and_forms(
    bob: httpx.AsyncClient, carol: httpx.AsyncClient, world: World
) -> None:
    listed = await bob.get("/api/v1/commands", params={"locale": "en"})
    assert {"poll", "echo", "help"} <= {c["name"] for c in listed.json()["commands"]}
    channel = await room(bob, world.carol)
    ran = await bob.post(
        f"/api/v1/channels/{channel}/commands", json={"text": f"/expense {world.carol}"}
    )
    assert ran.status_code == 200, ran.text
    card = ran.json()["messages"][0]
    view = await carol.get(f"/api/v1/messages/{card['id']}/card")
    assert view.json()["actions"] == ["approve", "reject", "unhandled"]
    acted = await carol.post(
        f"/api/v1/messages/{card['id']}/card/actions",
        json={"action_id": "approve", "version": card["card_version"], "values": {}},
    )
    assert acted.status_code == 200 and acted.json()["message"]["card_version"] == 2
    stale = await bob.post(
        f"/api/v1/messages/{card['id']}/card/actions",
        json={"action_id": "approve", "version": 1},
    )
    assert stale.status_code == 409 and code(stale) == "card_stale"
    # A person cannot replace a bot's card.
    replaced = await bob.put(f"/api/v1/messages/{card['id']}/card", json={"card": {"schema": 1}})
    assert replaced.status_code == 403

    asked = await bob.post(f"/api/v1/channels/{channel}/commands", json={"text": "/ask"})
    (form,) = asked.json()["forms"]
    submitted = await bob.post(f"/api/v1/forms/{form['form_id']}", json={"values": {"days": 1.5}})
    assert submitted.status_code == 200, submitted.text
    unknown = await bob.post(f"/api/v1/channels/{channel}/commands", json={"text": "/nothing"})
    assert unknown.status_code == 404 and code(unknown) == "unknown_command"


async def test_card_schema_is_public(anon: httpx.AsyncClient) -> None:
    schema = (await anon.get("/api/v1/cards/schema")).json()
    assert schema["$id"].endswith("card-3.json") and "blocks" in schema["properties"]


async def test_external_bot_with_a_token(
    alice: httpx.AsyncClient,
    bob: httpx.AsyncClient,
    carol: httpx.AsyncClient,
    make_client: ClientFactory,
    world: World,
) -> None:
    made = await alice.post(
        "/api/v1/bots",
        json={"name": "erp", "display_name": "ERP 系统", "description": "Purchase orders"},
    )
    assert made.status_code == 201, made.text
    erp = made.json()
    assert erp["kind"] == "external"
    again = await alice.post("/api/v1/bots", json={"name": "erp", "display_name": "ERP"})
    assert again.status_code == 409
    assert (
        await bob.post("/api/v1/bots", json={"name": "x1", "display_name": "X"})
    ).status_code == 403
    listed = (await bob.get("/api/v1/bots")).json()["bots"]
    assert {"erp", "poll", "sample"} <= {b["name"] for b in listed}

    token = await alice.post(f"/api/v1/bots/{erp['id']}/tokens")
    assert token.status_code == 201
    secret = token.json()["token"]
    assert (await bob.post(f"/api/v1/bots/{erp['id']}/tokens")).status_code == 403
    tokens = (await alice.get(f"/api/v1/bots/{erp['id']}/tokens")).json()["tokens"]
    assert [t["token_id"] for t in tokens] == [token.json()["token_id"]]
    assert secret not in str(tokens)

    bot = make_client(headers={"Authorization": f"Bearer {secret}"})
    channel = await room(bob, erp["id"], world.carol)
    card = {
        "schema": 1,
        "header": {"title": "PO-1024 采购单"},
        "blocks": [{"type": "actions", "actions": [{"id": "sign", "label": "Sign"}]}],
    }
    posted = await bot.post(
        f"/api/v1/channels/{channel}/messages",
        json={"text": "", "client_msg_id": "po-1024", "card": card},
    )
    assert posted.status_code == 201, posted.text
    message = posted.json()["message"]
    assert message["text"] == message["card"]["fallback"] and message["card_version"] == 1
    # People post text, not cards.
    by_person = await bob.post(
        f"/api/v1/channels/{channel}/messages",
        json={"text": "x", "client_msg_id": "c1", "card": card},
    )
    assert by_person.status_code == 403
    bad = await bot.post(
        f"/api/v1/channels/{channel}/messages",
        json={
            "text": "",
            "client_msg_id": "po-bad",
            "card": {"schema": 1, "blocks": [{"type": "x"}]},
        },
    )
    assert bad.status_code == 422 and bad.json()["error"]["details"]["path"] == "blocks[0]"

    # An action on an external bot's card is recorded (and sent by webhook); the bot answers.
    signed = await carol.post(
        f"/api/v1/messages/{message['id']}/card/actions", json={"action_id": "sign", "version": 1}
    )
    assert signed.status_code == 200 and signed.json()["message"]["card_version"] == 2
    done = {**card, "status": {"label": "Signed 已签", "tone": "success"}, "blocks": []}
    stale = await bot.put(
        f"/api/v1/messages/{message['id']}/card", json={"card": done, "version": 1}
    )
    assert stale.status_code == 409 and code(stale) == "card_stale"
    updated = await bot.put(
        f"/api/v1/messages/{message['id']}/card", json={"card": done, "version": 2}
    )
    assert updated.status_code == 200 and updated.json()["message"]["card_version"] == 3

    revoked = await alice.delete(f"/api/v1/bots/{erp['id']}/tokens/{token.json()['token_id']}")
    assert revoked.status_code == 204
    assert (await bot.get("/api/v1/me")).status_code == 401
    gone = await alice.delete(f"/api/v1/bots/{erp['id']}/tokens/{token.json()['token_id']}")
    assert gone.status_code == 404


async def test_card_history_shortcuts_and_webhook_events_match_the_document(
    alice: httpx.AsyncClient, bob: httpx.AsyncClient, carol: httpx.AsyncClient, world: World
) -> None:
    channel = await room(bob, world.carol)
    ran = await bob.post(
        f"/api/v1/channels/{channel}/commands", json={"text": f"/expense {world.carol}"}
    )
    card = ran.json()["messages"][0]
    await carol.post(
        f"/api/v1/messages/{card['id']}/card/actions",
        json={"action_id": "approve", "version": 1, "values": {"comment": "好"}},
    )
    history = (await bob.get(f"/api/v1/messages/{card['id']}/card/actions")).json()["actions"]
    assert [(a["action_id"], a["person_id"]) for a in history] == [("approve", world.carol)]

    shortcuts = (await bob.get("/api/v1/shortcuts", params={"locale": "en"})).json()
    assert {"bot": "sample", "name": "remember", "label": "Remember this"} in shortcuts["shortcuts"]
    done = await bob.post(
        f"/api/v1/messages/{card['id']}/shortcuts", json={"bot": "sample", "shortcut": "remember"}
    )
    assert done.status_code == 200 and done.json()["replies"][0]["text"] == "noted 已记下"

    events = (await alice.get("/api/v1/webhooks/events")).json()["events"]
    assert "sample.finished" in {e["type"] for e in events}
    assert (await bob.get("/api/v1/webhooks/events")).status_code == 403
