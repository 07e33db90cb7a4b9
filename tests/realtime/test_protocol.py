"""The WebSocket protocol against a real server process: handshake, send, bad frames."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import httpx
import orjson
import pytest
import sqlalchemy as sa
import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus

from hub.db import create_engine
from tests.support import Client, HubProcess, Seed, count_rows, running_hub, ticket_for


async def connect(hub: HubProcess, seed: Seed, username: str, **kwargs: object) -> Client:
    return await Client.connect(hub.ws_url, await ticket_for(seed.url, seed.id(username)), **kwargs)  # type: ignore[arg-type]


async def test_send_is_acked_and_delivered_to_members_only(
    hub_server: HubProcess, seed: Seed
) -> None:
    alice, bob, gina = [await connect(hub_server, seed, name) for name in ("alice", "bob", "gina")]
    general = seed.channels["general"]
    assert alice.hello["person"]["username"] == "alice"
    await alice.send(
        {"type": "send", "channel_id": general, "client_msg_id": "m-1", "text": "你好 team"}
    )
    ack = await alice.expect("ack", client_msg_id="m-1")
    assert ack["channel_id"] == general and ack["duplicate"] is False
    event = await bob.expect("message.new", channel_id=general)
    assert event["message"]["text"] == "你好 team"
    assert event["seq"] == ack["seq"] and event["message"]["id"] == ack["message_id"]
    # The guest is not in #general: nothing of it reaches her.
    await gina.send({"type": "ping", "ref": "p"})
    pong = await gina.recv()
    assert pong["type"] == "pong", pong
    for client in (alice, bob, gina):
        await client.close()


async def test_bad_frames_get_error_frames_and_change_nothing(
    hub_server: HubProcess, seed: Seed
) -> None:
    alice = await connect(hub_server, seed, "alice")
    before = await count_rows(seed.url, "message")
    cases = [
        ("{not json", "invalid_json"),
        (orjson.dumps({"type": "fly"}).decode(), "unknown_frame_type"),
        (
            orjson.dumps(
                {"type": "send", "channel_id": 999999, "client_msg_id": "x1", "text": "hi"}
            ).decode(),
            "channel_not_found",
        ),
        (
            orjson.dumps(
                {
                    "type": "send",
                    "channel_id": seed.channels["general"],
                    "client_msg_id": "x2",
                    "text": "x" * 20000,
                }
            ).decode(),
            "message_too_long",
        ),
        (
            orjson.dumps(
                {"type": "send", "channel_id": seed.channels["general"], "text": "no id"}
            ).decode(),
            "validation_failed",
        ),
        ("x" * 70000, "frame_too_large"),
    ]
    for text, code in cases:
        await alice.ws.send(text)
        error = await alice.expect("error")
        assert error["code"] == code, (text[:60], error)
        assert error["message"]
    # A guest writing into a channel she is not in is told it does not exist.
    gina = await connect(hub_server, seed, "gina")
    await gina.send(
        {
            "type": "send",
            "channel_id": seed.channels["internal"],
            "client_msg_id": "g1",
            "text": "hi",
        }
    )
    error = await gina.expect("error", client_msg_id="g1")
    assert error["code"] == "channel_not_found"
    # The connections are still usable and nothing was written.
    await alice.send({"type": "ping", "ref": "still-there"})
    assert (await alice.expect("pong"))["ref"] == "still-there"
    assert await count_rows(seed.url, "message") == before
    await alice.close()
    await gina.close()


async def test_origin_not_allowed_is_refused_at_handshake(hub_server: HubProcess) -> None:
    with pytest.raises(InvalidStatus) as refused:
        await websockets.connect(hub_server.ws_url, origin="https://evil.example")  # type: ignore[arg-type]
    assert refused.value.response.status_code == 403


async def test_unauthenticated_socket_is_closed(seed: Seed, tmp_path: Path) -> None:
    async with running_hub(seed.url, tmp_path, ws_auth_timeout_seconds=1) as hub:
        ws = await websockets.connect(hub.ws_url)
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 5)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4001


async def test_ticket_is_single_use(hub_server: HubProcess, seed: Seed) -> None:
    ticket = await ticket_for(seed.url, seed.id("bob"))
    first = await Client.connect(hub_server.ws_url, ticket)
    ws = await websockets.connect(hub_server.ws_url)
    await ws.send(orjson.dumps({"type": "auth", "ticket": ticket}).decode())
    with pytest.raises(ConnectionClosed) as closed:
        await asyncio.wait_for(ws.recv(), 5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4001
    await first.close()


async def test_nothing_before_sync_then_resume_replays_exactly_the_missed(
    hub_server: HubProcess, seed: Seed
) -> None:
    general = seed.channels["general"]
    alice = await connect(hub_server, seed, "alice")
    bob = await connect(hub_server, seed, "bob")
    await alice.send(
        {"type": "send", "channel_id": general, "client_msg_id": "r-0", "text": "before"}
    )
    seen = await bob.expect("message.new")
    cursor = seen["seq"]
    await bob.close()
    sent = []
    for i in range(5):
        await alice.send(
            {
                "type": "send",
                "channel_id": general,
                "client_msg_id": f"r-{i + 1}",
                "text": f"missed {i}",
            }
        )
        sent.append((await alice.expect("ack", client_msg_id=f"r-{i + 1}"))["seq"])
    bob = await connect(hub_server, seed, "bob", cursors={general: cursor})
    replayed = [frame for frame in bob.replayed if "seq" in frame]
    assert [frame["seq"] for frame in replayed] == sent
    assert [frame["message"]["text"] for frame in replayed] == [f"missed {i}" for i in range(5)]
    await alice.close()
    await bob.close()


async def test_too_far_behind_gets_resync_required(seed: Seed, tmp_path: Path) -> None:
    general = seed.channels["general"]
    async with running_hub(seed.url, tmp_path, replay_limit=3) as hub:
        alice = await Client.connect(hub.ws_url, await ticket_for(seed.url, seed.id("alice")))
        for i in range(6):
            await alice.send(
                {"type": "send", "channel_id": general, "client_msg_id": f"f-{i}", "text": str(i)}
            )
            await alice.expect("ack", client_msg_id=f"f-{i}")
        bob = await Client.connect(
            hub.ws_url, await ticket_for(seed.url, seed.id("bob")), sync=False
        )
        await bob.send({"type": "sync", "cursors": {str(general): 1}})
        resync = await bob.expect("resync_required", channel_id=general)
        assert resync["from_seq"] == 1 and resync["last_seq"] >= 7
        await bob.expect("synced")
        # Live events continue after the resync point.
        await alice.send(
            {"type": "send", "channel_id": general, "client_msg_id": "f-live", "text": "live"}
        )
        live = await bob.expect("message.new")
        assert live["seq"] == resync["last_seq"] + 1
        await alice.close()
        await bob.close()


async def test_concurrent_identical_sends_make_one_message(
    hub_server: HubProcess, seed: Seed
) -> None:
    general = seed.channels["general"]
    clients = [await connect(hub_server, seed, "carol") for _ in range(5)]
    client_msg_id = uuid.uuid4().hex
    frame = {"type": "send", "channel_id": general, "client_msg_id": client_msg_id, "text": "once"}

    async def burst(client: Client) -> list[dict[str, object]]:
        await asyncio.gather(*(client.send(frame) for _ in range(10)))
        return [await client.expect("ack", client_msg_id=client_msg_id) for _ in range(10)]

    acks = [ack for acks in await asyncio.gather(*(burst(c) for c in clients)) for ack in acks]
    assert len(acks) == 50
    assert len({ack["message_id"] for ack in acks}) == 1
    assert sum(1 for ack in acks if not ack["duplicate"]) == 1
    assert await count_rows(seed.url, "message", "client_msg_id = :c", c=client_msg_id) == 1
    # And over HTTP with the same id: the original again.
    for client in clients:
        await client.close()


async def test_http_health(hub_server: HubProcess) -> None:
    async with httpx.AsyncClient(base_url=hub_server.base) as http:
        assert (await http.get("/healthz")).json()["status"] == "ok"
        ready = await http.get("/readyz")
        assert ready.status_code == 200, ready.text


async def test_deactivated_person_is_disconnected(seed: Seed, tmp_path: Path) -> None:
    async with running_hub(seed.url, tmp_path, account_check_seconds=0.2) as hub:
        bob = await Client.connect(hub.ws_url, await ticket_for(seed.url, seed.id("bob")))
        engine = create_engine(seed.url)
        async with engine.begin() as conn:
            await conn.execute(
                sa.text("UPDATE person SET active = false WHERE id = :id"), {"id": seed.id("bob")}
            )
        await engine.dispose()
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                await bob.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4001
