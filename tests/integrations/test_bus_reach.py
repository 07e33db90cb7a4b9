"""What a bot's handler commits reaches the same subscribers as what people send: here, the
webhook sender's wake-up. The sender polls only once an hour in this test, so a message
arrives promptly only if the commit woke it."""

from __future__ import annotations

from pathlib import Path

from tests.bots.conftest import SAMPLE_BOT
from tests.integrations.conftest import Receiver, api_client, make_bot
from tests.integrations.test_outgoing import create_webhook, verified
from tests.support import Seed, running_hub

HOURLY = {"webhook_poll_seconds": 3600, "webhook_retry_seconds": "0.2,0.2,0.5"}


async def test_a_bots_message_wakes_the_webhook_sender(
    seed: Seed, tmp_path: Path, receiver: Receiver
) -> None:
    general = seed.channels["general"]
    crm = await make_bot(seed, "crm", channels=(general,))
    async with running_hub(seed.url, tmp_path, bots=SAMPLE_BOT, **HOURLY) as hub:
        admin = await api_client(seed, "alice", hub.base)
        bob = await api_client(seed, "bob", hub.base)
        _, secret = await create_webhook(
            admin, crm.id or 0, receiver.url, ["message.new"], [general]
        )

        # A person's message, through the writer, wakes it.
        sent = await bob.post(
            f"/api/v1/channels/{general}/messages",
            json={"text": "客户来电", "client_msg_id": "call-1"},
        )
        assert sent.status_code == 201, sent.text
        (first,) = await receiver.wait_for(1)
        assert verified(secret, first)["data"]["message"]["text"] == "客户来电"

        # Then the bot's reply, committed in its handler's own transaction.
        ran = await bob.post(f"/api/v1/channels/{general}/commands", json={"text": "/echo 回电"})
        assert ran.status_code == 200, ran.text
        second = (await receiver.wait_for(2))[1]
        message = verified(secret, second)["data"]["message"]
        assert message["text"] == "echo: 回电"
        for client in (admin, bob):
            await client.aclose()
