"""Two hub processes on one PostgreSQL and one Redis behave as one hub."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.support import (
    Client,
    bearer_for,
    running_hub,
    seed_database,
    ticket_for,
    wait_for,
)


async def presence_seen_by(base: str, token: str, person_id: int) -> str:
    async with httpx.AsyncClient(
        base_url=base, headers={"Authorization": f"Bearer {token}"}
    ) as http:
        response = await http.get("/api/v1/presence", params={"ids": str(person_id)})
        response.raise_for_status()
        body = response.json()
        return next(
            str(entry["status"]) for entry in body["presence"] if entry["person_id"] == person_id
        )


async def wait_for_presence(base: str, token: str, person_id: int, status: str) -> None:
    async def seen() -> bool:
        return await presence_seen_by(base, token, person_id) == status

    await wait_for(seen, what=f"{base} to see person {person_id} {status}")


async def test_message_crosses_processes_and_presence_agrees(
    postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    seed = await seed_database(postgres_url)
    general = seed.channels["general"]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    async with (
        running_hub(seed.url, tmp_path / "a", redis_url=redis_url) as hub_a,
        running_hub(seed.url, tmp_path / "b", redis_url=redis_url) as hub_b,
    ):
        alice = await Client.connect(hub_a.ws_url, await ticket_for(seed.url, seed.id("alice")))
        bob = await Client.connect(hub_b.ws_url, await ticket_for(seed.url, seed.id("bob")))
        # A message sent through process A reaches a client of process B.
        await alice.send(
            {"type": "send", "channel_id": general, "client_msg_id": "x-1", "text": "across"}
        )
        ack = await alice.expect("ack", client_msg_id="x-1")
        event = await bob.expect("message.new", channel_id=general)
        assert event["message"]["text"] == "across" and event["seq"] == ack["seq"]
        # And the other way round, in order, several at once.
        for i in range(20):
            await bob.send(
                {
                    "type": "send",
                    "channel_id": general,
                    "client_msg_id": f"y-{i}",
                    "text": f"back {i}",
                }
            )
        texts = []
        while len(texts) < 20:
            frame = await alice.expect("message.new", channel_id=general)
            if frame["message"]["sender_id"] == seed.id("bob"):
                texts.append(frame["message"]["text"])
        assert texts == [f"back {i}" for i in range(20)]

        # Presence: both processes agree that bob (on B) is online, then offline.
        carol_token = await bearer_for(seed, "carol")
        await wait_for_presence(hub_a.base, carol_token, seed.id("bob"), "online")
        await wait_for_presence(hub_b.base, carol_token, seed.id("bob"), "online")
        # Alice, connected to A, is told when bob goes away on B.
        await bob.send({"type": "presence", "status": "away"})
        change = await alice.expect("presence", person_id=seed.id("bob"))
        assert change["status"] == "away"
        await bob.close()
        change = await alice.expect("presence", person_id=seed.id("bob"))
        assert change["status"] == "offline"
        await wait_for_presence(hub_a.base, carol_token, seed.id("bob"), "offline")
        await wait_for_presence(hub_b.base, carol_token, seed.id("bob"), "offline")
        await alice.close()


async def test_send_rate_limit_is_shared_across_processes(
    postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    seed = await seed_database(postgres_url)
    general = seed.channels["general"]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    limits = {"send_rate_per_second": 0.01, "send_rate_burst": 4}
    async with (
        running_hub(seed.url, tmp_path / "a", redis_url=redis_url, **limits) as hub_a,
        running_hub(seed.url, tmp_path / "b", redis_url=redis_url, **limits) as hub_b,
    ):
        first = await Client.connect(hub_a.ws_url, await ticket_for(seed.url, seed.id("carol")))
        second = await Client.connect(hub_b.ws_url, await ticket_for(seed.url, seed.id("carol")))
        answers = []
        for i in range(6):
            client = first if i % 2 == 0 else second
            await client.send(
                {"type": "send", "channel_id": general, "client_msg_id": f"r-{i}", "text": "hi"}
            )
            answers.append(await client.expect_any(("ack", "error"), client_msg_id=f"r-{i}"))
        kinds = [a["type"] for a in answers]
        # A burst of 4 in all, whichever process the sends went through.
        assert kinds == ["ack"] * 4 + ["error"] * 2, answers
        assert answers[-1]["code"] == "rate_limited"
        await first.close()
        await second.close()
