"""Reading on one device clears the badge on the person's other devices, and only theirs."""

from __future__ import annotations

from tests.support import Client, HubProcess, Seed, ticket_for


async def test_read_marker_reaches_the_persons_other_connections(
    hub_server: HubProcess, seed: Seed
) -> None:
    general = seed.channels["general"]
    phone = await Client.connect(hub_server.ws_url, await ticket_for(seed.url, seed.id("bob")))
    desktop = await Client.connect(hub_server.ws_url, await ticket_for(seed.url, seed.id("bob")))
    carol = await Client.connect(hub_server.ws_url, await ticket_for(seed.url, seed.id("carol")))
    await carol.send({"type": "send", "channel_id": general, "client_msg_id": "r1", "text": "hi"})
    sent = await carol.expect("ack", client_msg_id="r1")
    await phone.send({"type": "read", "channel_id": general, "seq": sent["seq"], "ref": "rd"})
    moved = await desktop.expect("read.updated")
    assert moved == {"type": "read.updated", "channel_id": general, "seq": sent["seq"]}
    await carol.send({"type": "ping", "ref": "p"})
    assert (await carol.expect_any(("read.updated", "pong")))["type"] == "pong"
    for client in (phone, desktop, carol):
        await client.close()
