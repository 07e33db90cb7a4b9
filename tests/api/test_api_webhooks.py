"""Webhook routes against the OpenAPI document: outgoing admin API, incoming management, /hooks/{key}.

The end-to-end behaviour (signatures, retries, restarts, Slack's client) is in tests/integrations.
"""

from __future__ import annotations

from typing import Any

import httpx
from sqlmodel.ext.asyncio.session import AsyncSession

from hub.db import create_engine
from hub.integrations.outgoing import enqueue_event
from hub.models import Person


async def make_bot(url: str, org_id: int, username: str) -> int:
    engine = create_engine(url)
    try:
        async with AsyncSession(engine) as session:
            bot = Person(org_id=org_id, username=username, display_name=username, kind="bot")
            session.add(bot)
            await session.commit()
            await session.refresh(bot)
            return bot.id or 0
    finally:
        await engine.dispose()


def code(response: httpx.Response) -> str:
    value: str = response.json()["error"]["code"]
    return value


async def test_outgoing_webhook_admin_api(
    alice: httpx.AsyncClient, bob: httpx.AsyncClient, world: Any, create_channel: Any
) -> None:
    channel = await create_channel(alice, "deploys")
    bot_id = await make_bot(world.url, world.home_org, "ci-bot")
    body = {
        "bot_id": bot_id,
        "url": "http://127.0.0.1:9/closed",
        "events": ["message.new", "card.action"],
        "channel_ids": [channel["id"]],
    }
    created = await alice.post("/api/v1/webhooks/outgoing", json=body)
    assert created.status_code == 201
    webhook = created.json()["webhook"]
    assert webhook["events"] == ["message.new", "card.action"]
    assert created.json()["secret"].startswith("whsec_")
    assert code(await bob.post("/api/v1/webhooks/outgoing", json=body)) == "forbidden"
    bad = await alice.post("/api/v1/webhooks/outgoing", json={**body, "events": ["nope"]})
    assert bad.status_code == 400 and "message.new" in bad.json()["error"]["message"]
    assert (
        code(await alice.post("/api/v1/webhooks/outgoing", json={**body, "bot_id": 999}))
        == "person_not_found"
    )
    missing_channel = await alice.post(
        "/api/v1/webhooks/outgoing", json={**body, "channel_ids": [999]}
    )
    assert code(missing_channel) == "channel_not_found"

    listed = await alice.get("/api/v1/webhooks/outgoing")
    assert [w["id"] for w in listed.json()["webhooks"]] == [webhook["id"]]
    assert code(await bob.get("/api/v1/webhooks/outgoing")) == "forbidden"

    engine = create_engine(world.url)
    async with engine.begin() as conn:
        (delivery_id,) = await enqueue_event(
            conn, bot_id=bot_id, event_type="card.action", data={"action": "approve"}
        )
    await engine.dispose()
    log = await alice.get(f"/api/v1/webhooks/outgoing/{webhook['id']}/deliveries?limit=10")
    assert [d["id"] for d in log.json()["deliveries"]] == [delivery_id]
    assert log.json()["deliveries"][0]["event_type"] == "card.action"
    none = await alice.get(f"/api/v1/webhooks/outgoing/{webhook['id']}/deliveries?status=delivered")
    assert none.json()["deliveries"] == []
    assert (
        code(await alice.get(f"/api/v1/webhooks/outgoing/{webhook['id']}/deliveries?status=x"))
        == "validation_failed"
    )
    assert (
        code(await bob.get(f"/api/v1/webhooks/outgoing/{webhook['id']}/deliveries")) == "forbidden"
    )

    retry = f"/api/v1/webhooks/outgoing/{webhook['id']}/deliveries/{delivery_id}/retry"
    retried = await alice.post(retry)
    assert retried.status_code == 200 and retried.json()["delivery"]["status"] == "pending"
    assert (
        code(
            await alice.post(f"/api/v1/webhooks/outgoing/{webhook['id']}/deliveries/msg_nope/retry")
        )
        == "not_found"
    )
    assert code(await bob.post(retry)) == "forbidden"

    assert code(await bob.delete(f"/api/v1/webhooks/outgoing/{webhook['id']}")) == "forbidden"
    assert (await alice.delete(f"/api/v1/webhooks/outgoing/{webhook['id']}")).status_code == 204
    assert code(await alice.delete(f"/api/v1/webhooks/outgoing/{webhook['id']}")) == "not_found"
    assert (
        code(await alice.get(f"/api/v1/webhooks/outgoing/{webhook['id']}/deliveries"))
        == "not_found"
    )


async def test_incoming_webhooks(
    bob: httpx.AsyncClient,
    carol: httpx.AsyncClient,
    gina: httpx.AsyncClient,
    anon: httpx.AsyncClient,
    settings: Any,
    create_channel: Any,
) -> None:
    channel = await create_channel(bob, "builds")
    created = await bob.post(
        "/api/v1/webhooks/incoming", json={"channel_id": channel["id"], "name": "CI"}
    )
    assert created.status_code == 201
    hook = created.json()["webhook"]
    path = created.json()["url"].removeprefix("http://testserver")
    assert path.startswith("/hooks/")
    assert (
        code(
            await gina.post(
                "/api/v1/webhooks/incoming", json={"channel_id": channel["id"], "name": "x"}
            )
        )
        == "forbidden"
    )
    not_member = await carol.post(
        "/api/v1/webhooks/incoming", json={"channel_id": channel["id"], "name": "x"}
    )
    assert code(not_member) == "not_a_member"

    listed = await bob.get(f"/api/v1/webhooks/incoming?channel_id={channel['id']}")
    assert [h["id"] for h in listed.json()["webhooks"]] == [hook["id"]]
    assert code(await bob.get("/api/v1/webhooks/incoming")) == "validation_failed"
    assert (
        code(await gina.get(f"/api/v1/webhooks/incoming?channel_id={channel['id']}")) == "forbidden"
    )

    posted = await anon.post(path, json={"text": "build green", "client_msg_id": "b-1"})
    assert posted.status_code == 200 and posted.json()["ok"] is True
    again = await anon.post(path, json={"text": "build green", "client_msg_id": "b-1"})
    assert (
        again.json()["duplicate"] is True
        and again.json()["message_id"] == posted.json()["message_id"]
    )
    card = {"schema": 1, "blocks": [{"type": "markdown", "text": "**green**"}]}
    with_card = await anon.post(path, json={"card": card})
    assert with_card.status_code == 200
    bad_card = await anon.post(path, json={"card": {"schema": 1, "blocks": [{"type": "nope"}]}})
    assert bad_card.status_code == 422 and "blocks[0]" in bad_card.json()["error"]["message"]
    too_big = await anon.post(path, json={"text": "x" * settings.incoming_webhook_max_bytes})
    assert code(too_big) == "payload_too_large"
    not_json = await anon.post(path, content=b"nope", headers={"content-type": "application/json"})
    assert code(not_json) == "invalid_json"
    assert code(await anon.post(path, json={"client_msg_id": "e-1"})) == "validation_failed"
    assert code(await anon.post("/hooks/wrong", json={"text": "hi"})) == "not_found"

    page = await bob.get(f"/api/v1/channels/{channel['id']}/messages")
    texts = [m["text"] for m in page.json()["messages"] if m["sender_id"] == hook["bot_id"]]
    assert texts == ["build green", "green"]  # a card alone: its plain fallback is the text

    assert code(await gina.delete(f"/api/v1/webhooks/incoming/{hook['id']}")) == "forbidden"
    assert code(await carol.delete(f"/api/v1/webhooks/incoming/{hook['id']}")) == "forbidden"
    assert (await bob.delete(f"/api/v1/webhooks/incoming/{hook['id']}")).status_code == 204
    assert code(await bob.delete(f"/api/v1/webhooks/incoming/{hook['id']}")) == "not_found"
    assert code(await anon.post(path, json={"text": "hi", "client_msg_id": "after"})) == "not_found"
