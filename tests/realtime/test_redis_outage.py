"""Sending through a Redis restart: every send is acknowledged and stored, this process's
followers stay live, /readyz says the broker is degraded, the other process catches up
from the channel log as soon as Redis is back, and each hub's log says once that Redis went and once that it came back.

The test runs its own redis-server on a free port, so stopping it disturbs no other test.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis.asyncio as aioredis

from tests.support import (
    Client,
    count_rows,
    free_port,
    running_hub,
    seed_database,
    ticket_for,
    wait_for,
)

GONE = re.compile(r"Redis is unreachable")
BACK = re.compile(r"Redis answers again")


class RedisServer:
    """A redis-server of the test's own, which the test may stop and start again."""

    def __init__(self, binary: str, data_dir: Path) -> None:
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.data_dir = data_dir
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            *[self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""],
            *["--appendonly", "no", "--dir", str(self.data_dir)],
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        await wait_for(self.answers, what=f"redis-server on port {self.port} to answer")

    async def answers(self) -> bool:
        client = aioredis.Redis.from_url(self.url)
        try:
            return bool(await client.ping())
        except (aioredis.ConnectionError, OSError):
            return False
        finally:
            await client.aclose()

    async def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            await self.process.wait()
            self.process = None


@pytest.fixture
async def own_redis(tmp_path: Path) -> AsyncIterator[RedisServer]:
    binary = shutil.which("redis-server")
    if binary is None:
        message = "redis-server is not installed: the outage test starts and stops its own Redis"
        if os.environ.get("HUB_TEST_REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    (tmp_path / "redis").mkdir()
    server = RedisServer(binary, tmp_path / "redis")
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}"
    return str(request.getfixturevalue("postgres_url"))


async def readiness(base: str) -> tuple[int, dict[str, Any]]:
    async with httpx.AsyncClient() as http:
        response = await http.get(base + "/readyz")
        return response.status_code, response.json()


async def send_and_answer(client: Client, channel_id: int, text: str) -> dict[str, Any]:
    await client.send(
        {"type": "send", "channel_id": channel_id, "client_msg_id": text, "text": text}
    )
    return await client.expect_any(("ack", "error"), client_msg_id=text)


async def texts_until(client: Client, channel_id: int, last: str) -> list[str]:
    """The texts of message.new frames on the channel, up to and including `last`."""
    texts: list[str] = []
    while not texts or texts[-1] != last:
        frame = await client.expect("message.new", channel_id=channel_id)
        texts.append(frame["message"]["text"])
    return texts


async def test_sends_through_a_redis_restart_are_all_acknowledged_and_delivered(
    own_redis: RedisServer, database_url: str, tmp_path: Path
) -> None:
    seed = await seed_database(database_url)
    general = seed.channels["general"]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    limits = {"send_rate_per_second": 1000, "send_rate_burst": 1000}
    async with (
        running_hub(seed.url, tmp_path / "a", redis_url=own_redis.url, **limits) as hub_a,
        running_hub(seed.url, tmp_path / "b", redis_url=own_redis.url, **limits) as hub_b,
    ):
        alice = await Client.connect(hub_a.ws_url, await ticket_for(seed.url, seed.id("alice")))
        carol = await Client.connect(hub_a.ws_url, await ticket_for(seed.url, seed.id("carol")))
        bob = await Client.connect(hub_b.ws_url, await ticket_for(seed.url, seed.id("bob")))
        assert (await send_and_answer(alice, general, "before"))["type"] == "ack"
        assert await texts_until(bob, general, "before") == ["before"]
        assert await texts_until(carol, general, "before") == ["before"]

        await own_redis.stop()
        sent = [f"outage-{i}" for i in range(40)]
        answers = [await send_and_answer(alice, general, text) for text in sent[:20]]
        during = await readiness(hub_a.base)
        # A connection made while Redis is away is served, and follows the channel live.
        bob_on_a = await Client.connect(hub_a.ws_url, await ticket_for(seed.url, seed.id("bob")))
        answers += [await send_and_answer(alice, general, text) for text in sent[20:]]
        await own_redis.start()

        refused = [a for a in answers if a["type"] != "ack"]
        print(f"sends refused during the Redis restart: {len(refused)} of {len(sent)}")
        assert not refused, f"{len(refused)} of {len(sent)} sends refused: {refused[:3]}"
        # Alice's own process kept its followers live while Redis was away.
        assert await texts_until(carol, general, sent[-1]) == sent
        assert (await texts_until(bob_on_a, general, sent[-1]))[-20:] == sent[20:]
        assert during == (200, {"status": "degraded", "checks": during[1]["checks"]})
        assert during[1]["checks"]["database"] == "ok"
        assert during[1]["checks"]["broker"].startswith("degraded: ")

        async def ready_again() -> bool:
            answers = [await readiness(hub.base) for hub in (hub_a, hub_b)]
            return (
                answers
                == [(200, {"status": "ok", "checks": {"database": "ok", "broker": "ok"}})] * 2
            )

        await wait_for(ready_again, what="/readyz to say ok on both hubs after Redis is back")

        # Delivery to the other process resumes: once both hubs have their subscriptions
        # back, the next message reaches bob live, and the ones he missed are filled in
        # from the channel log before it.
        async def both_hubs_subscribed() -> bool:
            client = aioredis.Redis.from_url(own_redis.url)
            try:
                [(_, count)] = await client.pubsub_numsub(f"hub:ch.{general}")
                return count == 2
            finally:
                await client.aclose()

        await wait_for(both_hubs_subscribed, what="both hubs to subscribe again to the channel")
        # What bob missed reaches him as soon as his hub is subscribed again, read from the
        # channel log, without waiting for the channel's next message.
        assert await texts_until(bob, general, sent[-1]) == sent
        assert (await send_and_answer(alice, general, "after"))["type"] == "ack"
        assert await texts_until(bob, general, "after") == ["after"]
        # And a client that resumes from its cursors on the other process gets them all too.
        await bob.close()
        bob_again = await Client.connect(
            hub_b.ws_url,
            await ticket_for(seed.url, seed.id("bob")),
            cursors={general: 1},
        )
        replayed = [
            f["message"]["text"]
            for f in bob_again.replayed
            if f.get("type") == "message.new" and f.get("channel_id") == general
        ]
        assert replayed == ["before", *sent, "after"]
        for client in (alice, carol, bob_on_a, bob_again):
            await client.close()

    stored = await count_rows(
        seed.url, "message", "channel_id = :c AND text LIKE 'outage-%'", c=general
    )
    assert stored == len(sent), "every acknowledged message is in the channel log"
    for hub in (hub_a, hub_b):
        log = hub.log_path.read_text(errors="replace")
        assert len(GONE.findall(log)) == 1, log
        assert len(BACK.findall(log)) == 1, log
        assert "Traceback" not in log, log
