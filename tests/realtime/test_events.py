"""Every server frame type is produced by a real action and validates against hub.wire.server."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import suppress
from datetime import timedelta
from typing import Any, get_args

import httpx
from pydantic import TypeAdapter

from hub.auth.tokens import issue_token
from hub.db import create_engine, create_sessionmaker
from hub.wire.server import ServerFrame
from tests.support import SECRET, Client, HubProcess, Seed, ticket_for

server_frame = TypeAdapter(ServerFrame)


def frame_types() -> set[str]:
    union = get_args(ServerFrame)[0]
    return {model.model_fields["type"].default for model in get_args(union)}


async def bearer(seed: Seed, username: str) -> httpx.AsyncClient:
    engine = create_engine(seed.url)
    async with create_sessionmaker(engine)() as session:
        token = await issue_token(
            session, SECRET.encode(), seed.id(username), "bearer", timedelta(hours=1)
        )
    await engine.dispose()
    return httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"})


async def test_every_frame_type_is_produced_and_valid(hub_server: HubProcess, seed: Seed) -> None:
    general = seed.channels["general"]
    internal = seed.channels["internal"]
    seen: dict[str, dict[str, Any]] = {}

    def record(frames: list[dict[str, Any]]) -> None:
        for frame in frames:
            server_frame.validate_python(frame)
            seen.setdefault(frame["type"], frame)

    # inbox.updated needs a bot's card: tests/api/test_inbox.py produces and validates it.
    expected = frame_types() - {"resync_required", "form.open", "inbox.updated"}

    async def record_until(client: Client, done: Callable[[], bool]) -> None:
        """Record the client's frames until `done()`; a frame that never comes is reported
        by the assertions at the end, not by a timeout here."""
        record(client.replayed)
        client.replayed.clear()
        with suppress(TimeoutError):
            while not done():
                record([await client.recv()])

    alice = await Client.connect(hub_server.ws_url, await ticket_for(seed.url, seed.id("alice")))
    carol = await Client.connect(hub_server.ws_url, await ticket_for(seed.url, seed.id("carol")))
    record([alice.hello, alice.synced, carol.hello, carol.synced])
    http = await bearer(seed, "alice")
    base = hub_server.base

    await alice.send(
        {"type": "send", "channel_id": general, "client_msg_id": "e-1", "text": "hello @carol"}
    )
    ack = await alice.expect("ack", client_msg_id="e-1")
    record([ack])
    message_id = ack["message_id"]
    await alice.send({"type": "edit", "message_id": message_id, "text": "hello again @carol"})
    await alice.send({"type": "react", "message_id": message_id, "emoji": "👍"})
    await alice.send({"type": "unreact", "message_id": message_id, "emoji": "👍"})
    await alice.send({"type": "typing", "channel_id": general})
    await alice.send({"type": "read", "channel_id": general, "seq": 1})
    await alice.send({"type": "ping"})
    await alice.send({"type": "teleport"})
    await carol.send({"type": "presence", "status": "away"})
    # Carol is added to and removed from #internal; its topic changes.
    (
        await http.post(
            f"{base}/api/v1/channels/{internal}/members", json={"person_ids": [seed.id("carol")]}
        )
    ).raise_for_status()
    (
        await http.patch(f"{base}/api/v1/channels/{internal}", json={"topic": "Q4 plans"})
    ).raise_for_status()
    # Carol hears of the new topic while still a member.
    await record_until(carol, lambda: "channel.updated" in seen)
    (
        await http.delete(f"{base}/api/v1/channels/{internal}/members/{seed.id('carol')}")
    ).raise_for_status()
    await alice.send({"type": "delete", "message_id": message_id})
    # Bots: a private reply (/help), a card, and an action changing it in place.
    await alice.send({"type": "command", "ref": "h", "channel_id": general, "text": "/help"})
    await alice.send(
        {"type": "command", "ref": "p", "channel_id": general, "text": "/poll Lunch? A B"}
    )
    while True:  # every frame on the way is recorded too
        poll = await alice.recv()
        record([poll])
        if poll["type"] == "message.new" and poll["message"]["card"] is not None:
            break
    await alice.send(
        {
            "type": "card_action",
            "message_id": poll["message"]["id"],
            "version": poll["message"]["card_version"],
            "action_id": "vote_0",
        }
    )
    # Each reads until every frame type has been seen on one of the two.
    readers = [
        asyncio.create_task(record_until(client, lambda: not expected - set(seen)))
        for client in (alice, carol)
    ]
    _, unfinished = await asyncio.wait(readers, return_when=asyncio.FIRST_COMPLETED)
    for reader in unfinished:
        reader.cancel()
    await asyncio.gather(*unfinished, return_exceptions=True)
    await http.aclose()
    await alice.close()
    await carol.close()

    # resync_required is covered in test_protocol, form.open in tests/bots/test_runtime.
    missing = expected - set(seen)
    assert not missing, f"never produced: {sorted(missing)}"
    assert seen["message.edited"]["message"]["edited_at"] is not None
    assert seen["channel.added"]["channel"]["id"] == internal
    assert seen["channel.removed"]["channel_id"] == internal
