"""Incoming webhooks end to end: Slack's own client and the hub's payload against a real hub process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from slack_sdk.webhook import WebhookClient

from tests.integrations.conftest import api_client
from tests.support import Client, HubProcess, Seed, count_rows, running_hub, ticket_for


@pytest.fixture
async def hub(seed: Seed, tmp_path: Path) -> AsyncIterator[HubProcess]:
    async with running_hub(seed.url, tmp_path, incoming_webhook_max_bytes=4096) as process:
        yield process


async def make_hook(client: httpx.AsyncClient, channel_id: int, name: str) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/webhooks/incoming", json={"channel_id": channel_id, "name": name}
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def messages(client: httpx.AsyncClient, channel_id: int) -> list[dict[str, Any]]:
    response = await client.get(f"/api/v1/channels/{channel_id}/messages")
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["messages"]
    return found


async def hook_messages(
    client: httpx.AsyncClient, channel_id: int, bot_id: int
) -> list[dict[str, Any]]:
    return [m for m in await messages(client, channel_id) if m["sender_id"] == bot_id]


SLACK_BLOCKS = [
    {"type": "header", "text": {"type": "plain_text", "text": "Build #42 passed"}},
    {
        "type": "section",
        "text": {
            "type": "mrkdwn",
            "text": "*main* is green, see <https://ci.example.com/42|the run>",
        },
        "fields": [
            {"type": "mrkdwn", "text": "*Branch*\nmain"},
            {"type": "mrkdwn", "text": "*Duration*\n3m 12s"},
        ],
    },
    {"type": "divider"},
    {"type": "context", "elements": [{"type": "mrkdwn", "text": "triggered by <!here>"}]},
    {"type": "image", "image_url": "https://ci.example.com/badge.png", "alt_text": "badge"},
]


async def test_slack_client_posts_a_message_with_a_card(seed: Seed, hub: HubProcess) -> None:
    general = seed.channels["general"]
    bob = await api_client(seed, "bob", hub.base)
    created = await make_hook(bob, general, "CI builds")
    url = created["url"]
    assert url.startswith(hub.base + "/hooks/")
    bot_id = created["webhook"]["bot_id"]

    watcher = await Client.connect(hub.ws_url, await ticket_for(seed.url, seed.id("carol")))
    slack = WebhookClient(url)
    response = await asyncio.to_thread(
        slack.send, text="Build #42 passed on *main*", blocks=SLACK_BLOCKS
    )
    assert response.status_code == 200 and response.body == "ok"
    frame = await watcher.expect("message.new", channel_id=general)
    message = frame["message"]
    assert message["sender_id"] == bot_id
    assert message["text"] == "Build #42 passed on **main**"
    card = message["card"]
    assert card["header"] == {"title": "Build #42 passed"}
    assert card["fallback"] == "Build #42 passed on **main**"
    kinds = [block["type"] for block in card["blocks"]]
    assert kinds == ["markdown", "fields", "divider", "context", "image"]
    assert (
        card["blocks"][0]["text"] == "**main** is green, see [the run](https://ci.example.com/42)"
    )
    assert card["blocks"][1]["fields"][0]["label"] == "Branch"
    assert card["blocks"][1]["fields"][1]["value"] == "3m 12s"
    assert card["blocks"][3]["text"] == "triggered by @here"
    await watcher.close()

    # The bot is who the channel sees, with the name given.
    people = await bob.get(f"/api/v1/people/{bot_id}")
    assert people.status_code == 200, people.text
    assert people.json()["person"]["display_name"] == "CI builds"
    assert people.json()["person"]["username"] == f"hook-ci-builds-{created['webhook']['id']}"
    await bob.aclose()


async def test_slack_text_only_and_attachments(seed: Seed, hub: HubProcess) -> None:
    general = seed.channels["general"]
    bob = await api_client(seed, "bob", hub.base)
    created = await make_hook(bob, general, "Alerts")
    slack = WebhookClient(created["url"])
    plain = await asyncio.to_thread(slack.send, text="disk at <https://grafana.example.com|90%>")
    assert plain.status_code == 200 and plain.body == "ok"
    legacy = await asyncio.to_thread(
        slack.send,
        attachments=[
            {
                "color": "danger",
                "pretext": "Alert fired",
                "title": "Disk full",
                "text": "db-1 is at 97%",
                "fields": [{"title": "Host", "value": "db-1", "short": True}],
                "footer": "grafana",
            }
        ],
    )
    assert legacy.status_code == 200 and legacy.body == "ok"
    first, second = await hook_messages(bob, general, created["webhook"]["bot_id"])
    assert first["text"] == "disk at [90%](https://grafana.example.com)" and first["card"] is None
    assert second["text"] == "Alert fired\nDisk full\ndb-1 is at 97%\nHost: db-1\ngrafana"
    blocks = second["card"]["blocks"]
    assert {
        "type": "fields",
        "fields": [{"label": "Host", "value": "db-1", "short": True}],
    } in blocks
    await bob.aclose()


async def test_hub_payload_with_a_card(seed: Seed, hub: HubProcess) -> None:
    general = seed.channels["general"]
    bob = await api_client(seed, "bob", hub.base)
    created = await make_hook(bob, general, "HR")
    card = {
        "schema": 1,
        "header": {"title": "New hire"},
        "blocks": [{"type": "fields", "fields": [{"label": "Name", "value": "Li Na"}]}],
    }
    async with httpx.AsyncClient() as anon:
        response = await anon.post(created["url"], json={"card": card})
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True and body["channel_id"] == general and body["duplicate"] is False
    (message,) = await hook_messages(bob, general, created["webhook"]["bot_id"])
    assert message["id"] == body["message_id"] and message["seq"] == body["seq"]
    assert message["card"]["header"] == {"title": "New hire"}
    assert message["text"] == message["card"]["fallback"] and "Li Na" in message["text"]
    await bob.aclose()


async def test_refusals_post_nothing(seed: Seed, hub: HubProcess) -> None:
    general = seed.channels["general"]
    bob = await api_client(seed, "bob", hub.base)
    created = await make_hook(bob, general, "Refusals")
    url = created["url"]
    before = await count_rows(seed.url, "message")

    async def post(target: str, **kwargs: Any) -> httpx.Response:
        async with httpx.AsyncClient() as anon:
            return await anon.post(target, **kwargs)

    def error(response: httpx.Response) -> tuple[int, str, str]:
        e = response.json()["error"]
        return response.status_code, e["code"], e["message"]

    wrong = await post(hub.base + "/hooks/not-a-real-key", json={"text": "hi"})
    assert error(wrong)[:2] == (404, "not_found") and "revoked" in error(wrong)[2]
    too_big = await post(url, json={"text": "x" * 5000})
    status, code, message = error(too_big)
    assert (status, code) == (413, "payload_too_large") and "4096" in message
    bad_card = {"schema": 1, "blocks": [{"type": "markdown", "text": "hi"}, {"type": "bogus"}]}
    status, code, message = error(await post(url, json={"text": "x", "card": bad_card}))
    assert (status, code) == (422, "card_invalid") and "blocks[1]" in message
    assert error(await post(url, json={}))[:2] == (400, "validation_failed")
    assert "no text" in error(await post(url, json={}))[2]
    assert error(await post(url, json={"text": "   ", "blocks": []}))[:2] == (
        400,
        "validation_failed",
    )
    assert error(
        await post(url, content=b"{not json", headers={"content-type": "application/json"})
    )[:2] == (400, "invalid_json")
    assert error(await post(url, json=["text"]))[:2] == (400, "validation_failed")
    assert error(await post(url, json={"card": None, "colour": "red"}))[:2] == (
        400,
        "validation_failed",
    )

    # Revoked answers exactly like never existed.
    assert (
        await bob.delete(f"/api/v1/webhooks/incoming/{created['webhook']['id']}")
    ).status_code == 204
    revoked = await post(url, json={"text": "hi"})
    assert error(revoked) == error(wrong)
    assert await count_rows(seed.url, "message") == before
    await bob.aclose()


async def test_idempotency_key_posts_once(seed: Seed, hub: HubProcess) -> None:
    general = seed.channels["general"]
    bob = await api_client(seed, "bob", hub.base)
    created = await make_hook(bob, general, "Retrying tool")
    url, bot_id = created["url"], created["webhook"]["bot_id"]
    async with httpx.AsyncClient() as anon:
        first = await anon.post(
            url, json={"text": "once"}, headers={"Idempotency-Key": "job 7/attempt"}
        )
        again = await anon.post(
            url, json={"text": "once"}, headers={"Idempotency-Key": "job 7/attempt"}
        )
        assert first.text == again.text == "ok"
        one = await anon.post(url, json={"text": "hub", "client_msg_id": "evt-1"})
        two = await anon.post(url, json={"text": "hub", "client_msg_id": "evt-1"})
        assert one.json()["duplicate"] is False and two.json()["duplicate"] is True
        assert one.json()["message_id"] == two.json()["message_id"]
        plain_a = await anon.post(url, json={"text": "no key"})
        plain_b = await anon.post(url, json={"text": "no key"})
        assert plain_a.text == plain_b.text == "ok"
    texts = [m["text"] for m in await hook_messages(bob, general, bot_id)]
    assert texts == ["once", "hub", "no key", "no key"]
    await bob.aclose()


async def test_who_may_manage_incoming_webhooks(seed: Seed, hub: HubProcess) -> None:
    general, internal, shared = (
        seed.channels["general"],
        seed.channels["internal"],
        seed.channels["shared"],
    )
    alice = await api_client(seed, "alice", hub.base)
    bob = await api_client(seed, "bob", hub.base)
    carol = await api_client(seed, "carol", hub.base)
    gina = await api_client(seed, "gina", hub.base)

    async def create(client: httpx.AsyncClient, channel_id: int) -> httpx.Response:
        return await client.post(
            "/api/v1/webhooks/incoming", json={"channel_id": channel_id, "name": "Tool"}
        )

    bobs = (await create(bob, internal)).json()["webhook"]
    guest = await create(gina, shared)
    assert guest.status_code == 403 and guest.json()["error"]["code"] == "forbidden"
    # Carol is not in the private channel: she cannot tell it from one that does not exist.
    hidden, missing = await create(carol, internal), await create(carol, 99999)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["error"]["code"] == "channel_not_found"
    assert (
        await alice.post("/api/v1/webhooks/incoming", json={"channel_id": general, "name": " "})
    ).status_code == 400

    listed = await bob.get(f"/api/v1/webhooks/incoming?channel_id={internal}")
    assert [h["id"] for h in listed.json()["webhooks"]] == [bobs["id"]]
    assert "url" not in listed.json()["webhooks"][0]
    assert (await bob.get("/api/v1/webhooks/incoming")).status_code == 400
    assert (await carol.get(f"/api/v1/webhooks/incoming?channel_id={internal}")).status_code == 404
    assert (await gina.get(f"/api/v1/webhooks/incoming?channel_id={shared}")).status_code == 403
    everything = await alice.get("/api/v1/webhooks/incoming")
    assert [h["id"] for h in everything.json()["webhooks"]] == [bobs["id"]]

    carols = (await create(carol, general)).json()["webhook"]
    # Bob is neither its creator nor an owner of general; carol cannot see bob's channel.
    assert (await bob.delete(f"/api/v1/webhooks/incoming/{carols['id']}")).status_code == 403
    hidden_delete = await carol.delete(f"/api/v1/webhooks/incoming/{bobs['id']}")
    missing_delete = await carol.delete("/api/v1/webhooks/incoming/99999")
    assert hidden_delete.status_code == missing_delete.status_code == 404
    assert hidden_delete.json()["error"]["message"].replace(
        str(bobs["id"]), "N"
    ) == missing_delete.json()["error"]["message"].replace("99999", "N")
    gina_delete = await gina.delete(f"/api/v1/webhooks/incoming/{bobs['id']}")
    assert gina_delete.status_code == 403
    # Alice owns general and is an admin.
    assert (await alice.delete(f"/api/v1/webhooks/incoming/{carols['id']}")).status_code == 204
    assert (await bob.delete(f"/api/v1/webhooks/incoming/{bobs['id']}")).status_code == 204
    assert (await alice.get("/api/v1/webhooks/incoming")).json()["webhooks"] == []
    for client in (alice, bob, carol, gina):
        await client.aclose()
