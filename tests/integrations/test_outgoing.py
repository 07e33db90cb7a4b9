"""Outgoing webhooks end to end: real hub processes, a real receiver that verifies every signature."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import httpx
import orjson
from standardwebhooks import Webhook

from hub.db import create_engine
from hub.integrations.outgoing import enqueue_event
from tests.integrations.conftest import (
    Received,
    Receiver,
    api_client,
    make_bot,
    post_message,
    receiving,
)
from tests.support import Seed, count_rows, running_hub, wait_for

FAST = {"webhook_poll_seconds": 0.1, "webhook_retry_seconds": "0.2,0.2,0.5"}


async def create_webhook(
    admin: httpx.AsyncClient, bot_id: int, url: str, events: list[str], channel_ids: list[int]
) -> tuple[int, str]:
    response = await admin.post(
        "/api/v1/webhooks/outgoing",
        json={"bot_id": bot_id, "url": url, "events": events, "channel_ids": channel_ids},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    return body["webhook"]["id"], body["secret"]


def verified(secret: str, request: Received) -> dict[str, Any]:
    """The payload, after standardwebhooks checked its signature (raises if it does not match)."""
    payload: dict[str, Any] = Webhook(secret).verify(request.body, request.headers)
    return payload


async def deliveries(admin: httpx.AsyncClient, webhook_id: int) -> list[dict[str, Any]]:
    response = await admin.get(f"/api/v1/webhooks/outgoing/{webhook_id}/deliveries")
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["deliveries"]
    return found


async def settled(admin: httpx.AsyncClient, webhook_id: int, count: int) -> list[dict[str, Any]]:
    """The webhook's deliveries once there are `count` and none is still pending. A delivery
    leaves "pending" only after its last request was answered, so by then every request the
    hub was going to make for them has reached the receiver: a wrong extra one would show."""

    log: list[dict[str, Any]] = []

    async def done() -> bool:
        log[:] = await deliveries(admin, webhook_id)
        return len(log) >= count and all(d["status"] != "pending" for d in log)

    await wait_for(done, what=f"{count} settled deliveries of webhook {webhook_id}")
    return log


async def test_watched_channel_messages_arrive_signed(
    seed: Seed, tmp_path: Path, receiver: Receiver
) -> None:
    general, internal = seed.channels["general"], seed.channels["internal"]
    bot = await make_bot(seed, "hr-bot", channels=(general,))
    async with running_hub(seed.url, tmp_path, **FAST) as hub:
        admin = await api_client(seed, "alice", hub.base)
        bob = await api_client(seed, "bob", hub.base)
        await post_message(bob, general, "before the webhook", "m0")
        webhook_id, secret = await create_webhook(
            admin, bot.id or 0, receiver.url, ["message.new"], [general]
        )
        assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) == 24

        await post_message(bob, internal, "not watched", "m1")
        message_id = await post_message(bob, general, "watched *hello*", "m2")
        (request,) = await receiver.wait_for(1)
        payload = verified(secret, request)
        assert payload["type"] == "message.new"
        assert payload["data"]["channel_id"] == general
        assert payload["data"]["message"]["id"] == message_id
        assert payload["data"]["message"]["text"] == "watched *hello*"
        assert request.headers["user-agent"] == "hub-webhooks/1"
        assert request.headers["content-type"] == "application/json"
        assert request.headers["webhook-id"].startswith("msg_")

        # A message the webhook's own bot posts is not sent back to it (no echo loops).
        engine = create_engine(seed.url)
        from hub.actions.messages import SendMessage
        from hub.bus import EventBus
        from hub.writer import Writer

        writer = Writer(engine, EventBus())
        await writer.start()
        await writer.submit(SendMessage(general, bot, "from the bot itself", "b1"))
        await writer.stop()
        await engine.dispose()
        last = await post_message(bob, general, "after the bot", "m3")
        await receiver.wait_for(2)
        # Messages are queued in order: with "after the bot" settled, an echo would be too.
        await settled(admin, webhook_id, 2)
        texts = [verified(secret, r)["data"]["message"]["text"] for r in receiver.requests]
        assert texts == ["watched *hello*", "after the bot"]
        assert verified(secret, receiver.requests[1])["data"]["message"]["id"] == last
        log = await deliveries(admin, webhook_id)
        assert [d["status"] for d in log] == ["delivered", "delivered"]
        await admin.aclose()
        await bob.aclose()


async def test_failing_receiver_gets_the_same_delivery_until_it_acknowledges(
    seed: Seed, tmp_path: Path, receiver: Receiver
) -> None:
    general = seed.channels["general"]
    bot = await make_bot(seed, "ci-bot")
    receiver.script = [500, 500]
    async with running_hub(seed.url, tmp_path, **FAST) as hub:
        admin = await api_client(seed, "alice", hub.base)
        bob = await api_client(seed, "bob", hub.base)
        webhook_id, secret = await create_webhook(
            admin, bot.id or 0, receiver.url, ["message.new"], [general]
        )
        await post_message(bob, general, "deploy done", "d1")
        requests = await receiver.wait_for(3)
        await settled(admin, webhook_id, 1)  # a wrong extra attempt would have come by now
        assert [r.answered for r in receiver.requests] == [500, 500, 200]
        assert len({r.headers["webhook-id"] for r in requests}) == 1
        assert len({r.body for r in requests}) == 1
        for r in requests:
            assert verified(secret, r)["data"]["message"]["text"] == "deploy done"

        (delivery,) = await deliveries(admin, webhook_id)
        assert delivery["id"] == requests[0].headers["webhook-id"]
        assert delivery["status"] == "delivered" and delivery["attempts"] == 3
        assert delivery["payload"].encode() == requests[0].body
        assert [a["status_code"] for a in delivery["attempt_log"]] == [500, 500, 200]
        assert [a["attempt"] for a in delivery["attempt_log"]] == [1, 2, 3]
        assert delivery["attempt_log"][0]["error"] == "HTTP 500"
        await admin.aclose()
        await bob.aclose()


async def test_retries_run_out_then_an_admin_retries(seed: Seed, tmp_path: Path) -> None:
    general = seed.channels["general"]
    bot = await make_bot(seed, "erp-bot")
    async with (
        receiving() as receiver,
        running_hub(
            seed.url, tmp_path, webhook_poll_seconds=0.1, webhook_retry_seconds="0.1"
        ) as hub,
    ):
        receiver.script = [503, 503]
        admin = await api_client(seed, "alice", hub.base)
        bob = await api_client(seed, "bob", hub.base)
        webhook_id, secret = await create_webhook(
            admin, bot.id or 0, receiver.url, ["message.new"], [general]
        )
        await post_message(bob, general, "invoice 42", "i1")
        await receiver.wait_for(2)
        (delivery,) = await settled(admin, webhook_id, 1)
        assert delivery["status"] == "failed" and delivery["attempts"] == 2
        assert len(receiver.requests) == 2

        retried = await admin.post(
            f"/api/v1/webhooks/outgoing/{webhook_id}/deliveries/{delivery['id']}/retry"
        )
        assert retried.status_code == 200 and retried.json()["delivery"]["status"] == "pending"
        await receiver.wait_for(3)
        assert receiver.requests[2].headers["webhook-id"] == delivery["id"]
        verified(secret, receiver.requests[2])
        (delivery,) = await settled(admin, webhook_id, 1)
        assert delivery["status"] == "delivered" and delivery["attempts"] == 3
        again = await admin.post(
            f"/api/v1/webhooks/outgoing/{webhook_id}/deliveries/{delivery['id']}/retry"
        )
        assert again.status_code == 409 and "already delivered" in again.json()["error"]["message"]
        await admin.aclose()
        await bob.aclose()


async def test_a_retry_pending_at_shutdown_is_sent_by_the_next_process(
    seed: Seed, tmp_path: Path, receiver: Receiver
) -> None:
    general = seed.channels["general"]
    bot = await make_bot(seed, "hr-bot")
    receiver.script = [500]
    # The retry is due well after the first process has stopped, even on a busy machine.
    settings = {"webhook_poll_seconds": 0.1, "webhook_retry_seconds": "5"}
    async with running_hub(seed.url, tmp_path, **settings) as first:
        admin = await api_client(seed, "alice", first.base)
        bob = await api_client(seed, "bob", first.base)
        webhook_id, secret = await create_webhook(
            admin, bot.id or 0, receiver.url, ["message.new"], [general]
        )
        await post_message(bob, general, "leave approved", "l1")
        await receiver.wait_for(1)

        async def first_attempt_recorded() -> dict[str, Any] | None:
            (delivery,) = await deliveries(admin, webhook_id)
            return delivery if delivery["attempts"] == 1 else None

        delivery = await wait_for(first_attempt_recorded)
        assert delivery["status"] == "pending" and delivery["next_attempt_at"] is not None
        await admin.aclose()
        await bob.aclose()
    assert len(receiver.requests) == 1  # the first process is gone before the retry is due

    async with running_hub(seed.url, tmp_path, **settings) as second:
        (_, retry) = await receiver.wait_for(2)
        assert retry.headers["webhook-id"] == receiver.requests[0].headers["webhook-id"]
        assert retry.body == receiver.requests[0].body
        verified(secret, retry)
        admin = await api_client(seed, "alice", second.base)
        (delivery,) = await settled(admin, webhook_id, 1)
        assert delivery["status"] == "delivered" and delivery["attempts"] == 2
        await admin.aclose()


async def test_two_processes_send_each_event_once(
    seed: Seed, tmp_path: Path, receiver: Receiver
) -> None:
    general = seed.channels["general"]
    bot = await make_bot(seed, "audit-bot")
    async with (
        running_hub(seed.url, tmp_path, **FAST) as one,
        running_hub(seed.url, tmp_path, **FAST) as two,
    ):
        admin = await api_client(seed, "alice", one.base)
        webhook_id, secret = await create_webhook(
            admin, bot.id or 0, receiver.url, ["message.new"], [general]
        )
        clients = [
            await api_client(seed, "bob", one.base),
            await api_client(seed, "carol", two.base),
        ]
        for i in range(10):
            await post_message(clients[i % 2], general, f"n{i}", f"n{i}")
        await receiver.wait_for(10)
        await settled(admin, webhook_id, 10)  # a second send by the other process would show
        ids = [r.headers["webhook-id"] for r in receiver.requests]
        assert len(ids) == 10 and len(set(ids)) == 10
        texts = sorted(verified(secret, r)["data"]["message"]["text"] for r in receiver.requests)
        assert texts == sorted(f"n{i}" for i in range(10))
        assert await count_rows(seed.url, "webhook_attempt") == 10
        for client in [admin, *clients]:
            await client.aclose()


async def test_enqueued_events_go_to_the_named_bots_webhooks(seed: Seed, tmp_path: Path) -> None:
    hr = await make_bot(seed, "hr-bot")
    finance = await make_bot(seed, "finance-bot")
    async with (
        receiving() as hr_receiver,
        receiving() as finance_receiver,
        running_hub(seed.url, tmp_path, **FAST) as hub,
    ):
        admin = await api_client(seed, "alice", hub.base)
        _, hr_secret = await create_webhook(admin, hr.id or 0, hr_receiver.url, ["card.action"], [])
        finance_webhook_id, _ = await create_webhook(
            admin, finance.id or 0, finance_receiver.url, ["card.action"], []
        )
        engine = create_engine(seed.url)
        async with engine.begin() as conn:
            ids = await enqueue_event(
                conn,
                bot_id=hr.id,
                event_type="card.action",
                data={"message_id": 7, "action": "approve", "values": {"days": 3}},
            )
            assert len(ids) == 1
        await engine.dispose()
        (request,) = await hr_receiver.wait_for(1)
        assert request.headers["webhook-id"] == ids[0]
        payload = verified(hr_secret, request)
        assert payload["type"] == "card.action" and payload["data"]["values"] == {"days": 3}
        # Deliveries are queued in the transaction that committed above: none for finance.
        assert await settled(admin, finance_webhook_id, 0) == []
        assert finance_receiver.requests == []
        await admin.aclose()


async def test_admin_api_refuses_bad_input_and_non_admins(seed: Seed, tmp_path: Path) -> None:
    general = seed.channels["general"]
    bot = await make_bot(seed, "hr-bot")
    async with running_hub(seed.url, tmp_path) as hub:
        admin = await api_client(seed, "alice", hub.base)

        async def create(**fields: Any) -> httpx.Response:
            body = {
                "bot_id": bot.id,
                "url": "https://hr.example.com/hook",
                "events": ["message.new"],
                "channel_ids": [general],
            }
            return await admin.post("/api/v1/webhooks/outgoing", json={**body, **fields})

        def error(response: httpx.Response) -> tuple[int, str, str]:
            e = response.json()["error"]
            return response.status_code, e["code"], e["message"]

        status, code, message = error(await create(events=["message.created"]))
        assert (status, code) == (400, "validation_failed")
        # Nothing emits approval.completed until a bot declares it.
        assert (
            "message.created" in message and "the events are message.new, card.action " in message
        )
        assert error(await create(events=["approval.completed"]))[:2] == (400, "validation_failed")
        status, code, message = error(await create(bot_id=seed.id("bob")))
        assert (status, code) == (400, "validation_failed") and "not a bot" in message
        assert error(await create(bot_id=99999))[:2] == (404, "person_not_found")
        assert error(await create(channel_ids=[99999]))[:2] == (404, "channel_not_found")
        status, code, message = error(await create(url="ftp://hr.example.com/x"))
        assert code == "validation_failed" and "http://" in message
        assert error(await create(channel_ids=[]))[1] == "validation_failed"
        assert error(await create(events=[]))[1] == "validation_failed"
        assert error(await create(events=["card.action"]))[1] == "validation_failed"
        assert error(await create(colour="red"))[1] == "validation_failed"

        created = await create()
        assert created.status_code == 201
        webhook_id = created.json()["webhook"]["id"]
        listed = (await admin.get("/api/v1/webhooks/outgoing")).json()["webhooks"]
        assert [w["id"] for w in listed] == [webhook_id]
        assert "secret" not in listed[0] and created.json()["secret"] not in str(listed)

        bob = await api_client(seed, "bob", hub.base)
        gina = await api_client(seed, "gina", hub.base)
        answers = []
        for client in (bob, gina):
            for method, path in [
                ("GET", "/api/v1/webhooks/outgoing"),
                ("POST", "/api/v1/webhooks/outgoing"),
                ("DELETE", f"/api/v1/webhooks/outgoing/{webhook_id}"),
                ("DELETE", "/api/v1/webhooks/outgoing/99999"),
                ("GET", f"/api/v1/webhooks/outgoing/{webhook_id}/deliveries"),
                ("GET", "/api/v1/webhooks/outgoing/99999/deliveries"),
                ("POST", f"/api/v1/webhooks/outgoing/{webhook_id}/deliveries/msg_x/retry"),
            ]:
                response = await client.request(method, path, json={} if method == "POST" else None)
                answers.append((response.status_code, response.json()))
        # The same refusal whatever exists: a non-admin or a guest learns nothing.
        assert {status for status, _ in answers} == {403}
        assert len({orjson.dumps(body) for _, body in answers}) == 1

        assert (await admin.delete(f"/api/v1/webhooks/outgoing/{webhook_id}")).status_code == 204
        assert (await admin.get("/api/v1/webhooks/outgoing")).json()["webhooks"] == []
        gone = await admin.get(f"/api/v1/webhooks/outgoing/{webhook_id}/deliveries")
        assert gone.status_code == 404 and gone.json()["error"]["code"] == "not_found"
        assert (await admin.delete(f"/api/v1/webhooks/outgoing/{webhook_id}")).status_code == 404
        for client in (admin, bob, gina):
            await client.aclose()


async def test_secret_and_signature_never_reach_the_log(
    seed: Seed, tmp_path: Path, receiver: Receiver
) -> None:
    general = seed.channels["general"]
    bot = await make_bot(seed, "hr-bot")
    receiver.script = [500]  # a failed attempt is logged: the log line must not carry them
    async with running_hub(seed.url, tmp_path, **FAST) as hub:
        admin = await api_client(seed, "alice", hub.base)
        bob = await api_client(seed, "bob", hub.base)
        _, secret = await create_webhook(
            admin, bot.id or 0, receiver.url, ["message.new"], [general]
        )
        await post_message(bob, general, "hello", "s1")
        requests = await receiver.wait_for(2)
        await admin.aclose()
        await bob.aclose()
    log = hub.log_path.read_text()
    assert secret not in log and secret[6:] not in log
    for r in requests:
        assert r.headers["webhook-signature"].split(",", 1)[1] not in log
