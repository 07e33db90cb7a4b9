"""An external bot's card: a click is checked and recorded by the hub, then sent to the bot as a
signed `card.action` webhook; a refused (stale) click sends nothing."""

from __future__ import annotations

from pathlib import Path

from tests.integrations.conftest import Receiver, api_client, make_bot
from tests.integrations.test_outgoing import FAST, create_webhook, settled, verified
from tests.support import Seed, running_hub

CARD = {
    "schema": 1,
    "header": {"title": "PO-2048 采购单"},
    "blocks": [
        {"type": "input", "name": "note", "label": "Note", "kind": "text"},
        {"type": "actions", "actions": [{"id": "sign", "label": "Sign 签字", "style": "primary"}]},
    ],
}


async def test_card_actions_reach_the_bot_signed_and_once(
    seed: Seed, tmp_path: Path, receiver: Receiver
) -> None:
    general = seed.channels["general"]
    erp = await make_bot(seed, "erp", channels=(general,))
    async with running_hub(seed.url, tmp_path, **FAST) as hub:
        admin = await api_client(seed, "alice", hub.base)
        bot = await api_client(seed, "erp", hub.base)
        carol = await api_client(seed, "carol", hub.base)
        bob = await api_client(seed, "bob", hub.base)
        webhook_id, secret = await create_webhook(
            admin, erp.id or 0, receiver.url, ["card.action"], []
        )
        posted = await bot.post(
            f"/api/v1/channels/{general}/messages",
            json={"text": "", "client_msg_id": "po-2048", "card": CARD},
        )
        assert posted.status_code == 201, posted.text
        message = posted.json()["message"]

        signed = await carol.post(
            f"/api/v1/messages/{message['id']}/card/actions",
            json={"action_id": "sign", "version": 1, "values": {"note": "OK 同意"}},
        )
        assert signed.status_code == 200, signed.text
        late = await bob.post(
            f"/api/v1/messages/{message['id']}/card/actions",
            json={"action_id": "sign", "version": 1},
        )
        assert late.status_code == 409

        (request,) = await receiver.wait_for(1)
        payload = verified(secret, request)
        assert payload["type"] == "card.action"
        data = payload["data"]
        assert data["message_id"] == message["id"] and data["action_id"] == "sign"
        assert data["values"] == {"note": "OK 同意"} and data["person"]["username"] == "carol"
        # A refused click would have been queued before its 409 came back.
        assert len(await settled(admin, webhook_id, 1)) == 1
        assert len(receiver.requests) == 1, "a refused click must not reach the bot"
        for client in (admin, bot, carol, bob):
            await client.aclose()
