"""A bot's own events: declared in its manifest, emitted with `ctx.emit` in the handler's
transaction, sent signed to every webhook subscribed to them, and only if the handler commits."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.integrations.conftest import Receiver, api_client, make_bot
from tests.integrations.test_outgoing import FAST, create_webhook, settled, verified
from tests.support import Seed, running_hub

SAMPLE = {"bots": "tests.bots.samplebot:bot", **FAST}


async def test_a_declared_event_reaches_subscribed_webhooks_after_commit(
    seed: Seed, tmp_path: Path, receiver: Receiver
) -> None:
    general = seed.channels["general"]
    hr = await make_bot(seed, "hr-sync")
    async with running_hub(seed.url, tmp_path, **SAMPLE) as hub:
        admin = await api_client(seed, "alice", hub.base)
        bob = await api_client(seed, "bob", hub.base)
        catalogue = (await admin.get("/api/v1/webhooks/events")).json()["events"]
        finished = next(e for e in catalogue if e["type"] == "sample.finished")
        assert finished["bot"] == "sample" and finished["description"]["zh-CN"] == "示例任务完成"
        assert finished["example"] == {"job": "report", "ok": True}
        assert {e["type"] for e in catalogue} >= {"message.new", "card.action"}
        assert (await bob.get("/api/v1/webhooks/events")).status_code == 403

        webhook_id, secret = await create_webhook(
            admin, hr.id or 0, receiver.url, ["sample.finished"], []
        )

        async def run(text: str) -> httpx.Response:
            return await bob.post(f"/api/v1/channels/{general}/commands", json={"text": text})

        failed = await run("/finish payroll fail")
        assert failed.status_code == 400, failed.text
        undeclared = await run("/finish payroll undeclared")
        assert undeclared.json()["error"]["code"] == "bot_failed"
        assert '[events."sample.undeclared"]' in hub.log_path.read_text()
        done = await run("/finish 月报")
        assert done.status_code == 200, done.text
        assert done.json()["replies"][0]["text"] == "queued for 1"

        (request,) = await receiver.wait_for(1)
        payload = verified(secret, request)
        assert payload["type"] == "sample.finished" and payload["bot"] == "sample"
        assert payload["data"] == {"job": "月报", "by": "bob"}
        # The failed run queued nothing: one delivery in the log, the one that arrived.
        assert len(await settled(admin, webhook_id, 1)) == 1
        for client in (admin, bob):
            await client.aclose()


async def test_webhooks_may_subscribe_only_to_events_some_bot_declares(
    seed: Seed, tmp_path: Path
) -> None:
    hr = await make_bot(seed, "hr-sync")
    async with running_hub(seed.url, tmp_path, **SAMPLE) as hub:
        admin = await api_client(seed, "alice", hub.base)
        refused = await admin.post(
            "/api/v1/webhooks/outgoing",
            json={"bot_id": hr.id, "url": "https://hr.example.com/h", "events": ["sample.begun"]},
        )
        assert refused.status_code == 400
        message = refused.json()["error"]["message"]
        assert "sample.begun" in message and "sample.finished" in message
        await admin.aclose()
