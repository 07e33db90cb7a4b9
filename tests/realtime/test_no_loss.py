"""Nothing lost, nothing doubled: many clients, many messages, random disconnects and resumes."""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict
from pathlib import Path

import sqlalchemy as sa
import websockets

from hub.db import create_engine
from tests.support import Client, Seed, create_channel, running_hub, seed_database, tickets_for

CLIENTS = 20
MESSAGES = 2000
SENDERS = 4


async def logged_message_seqs(url: str) -> dict[int, list[int]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                sa.text(
                    "SELECT channel_id, seq FROM channel_event WHERE type = 'message.new' ORDER BY channel_id, seq"
                )
            )
            result: dict[int, list[int]] = defaultdict(list)
            for channel_id, seq in rows:
                result[channel_id].append(seq)
            return result
    finally:
        await engine.dispose()


class Receiver:
    """One person's client that keeps dropping its connection and resuming from its cursors."""

    def __init__(self, hub_ws: str, seed: Seed, username: str) -> None:
        self.hub_ws = hub_ws
        self.seed = seed
        self.username = username
        self.cursors: dict[int, int] = {}
        self.received: dict[int, list[int]] = defaultdict(list)
        self.reconnects = 0

    async def _session(
        self, rng: random.Random, stop: asyncio.Event | None, targets: dict[int, int] | None
    ) -> None:
        (ticket,) = await tickets_for(self.seed.url, [self.seed.id(self.username)])
        client = await Client.connect(self.hub_ws, ticket, cursors=dict(self.cursors))
        self.reconnects += 1
        for frame in client.replayed:
            self._take(frame)
        for channel_id, seq in client.synced["cursors"].items():
            self.cursors.setdefault(int(channel_id), seq)
        deadline = asyncio.get_running_loop().time() + rng.uniform(0.05, 0.6)
        try:
            while True:
                if targets is not None and all(
                    self.cursors.get(c, 0) >= s for c, s in targets.items()
                ):
                    return
                if targets is None and (asyncio.get_running_loop().time() > deadline):
                    return
                try:
                    frame = await client.recv(timeout=0.2 if targets is None else 10)
                except TimeoutError:
                    if stop is not None and stop.is_set():
                        return
                    continue
                self._take(frame)
        finally:
            # Half the time drop the TCP connection without a close handshake.
            if rng.random() < 0.5:
                client.ws.transport.abort()
            else:
                await client.close()

    def _take(self, frame: dict[str, object]) -> None:
        if (
            "seq" in frame
            and "channel_id" in frame
            and frame["type"] not in ("ack", "resync_required")
        ):
            channel_id, seq = int(frame["channel_id"]), int(frame["seq"])  # type: ignore[call-overload]
            if channel_id in self.cursors:
                assert seq == self.cursors[channel_id] + 1, (
                    f"{self.username}: channel {channel_id} jumped from {self.cursors[channel_id]} to {seq}"
                )
            self.cursors[channel_id] = seq
            if frame["type"] == "message.new":
                self.received[channel_id].append(seq)
        assert frame["type"] != "resync_required", frame

    async def churn(self, stop: asyncio.Event, rng: random.Random) -> None:
        while not stop.is_set():
            await self._session(rng, stop, None)

    async def drain(self, targets: dict[int, int], rng: random.Random) -> None:
        await self._session(rng, None, targets)


async def test_no_loss_no_duplicates_with_random_disconnects(tmp_path: Path) -> None:
    seed = await seed_database(f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}", members=CLIENTS)
    users = [f"user{i:03d}" for i in range(CLIENTS)]
    # Three channels with overlapping memberships.
    channels = {
        "all-hands": await create_channel(seed.url, seed, users[0], users[1:], "all-hands"),
        "team-a": await create_channel(seed.url, seed, users[0], users[1:12], "team-a"),
        "team-b": await create_channel(
            seed.url, seed, users[10], users[11:], "team-b", kind="private"
        ),
    }
    rng = random.Random(20261126)
    async with running_hub(
        seed.url, tmp_path, send_rate_per_second=100000, send_rate_burst=100000
    ) as hub:
        receivers = [Receiver(hub.ws_url, seed, name) for name in users]
        # Each receiver first learns where its channels start, so it counts every message.
        for receiver in receivers:
            await receiver._session(rng, None, {})
        stop = asyncio.Event()
        churners = [
            asyncio.create_task(r.churn(stop, random.Random(i))) for i, r in enumerate(receivers)
        ]

        senders = [users[0], users[11], users[5], users[15]]
        plan = []
        for i in range(MESSAGES):
            sender = senders[i % SENDERS]
            options = [
                c
                for name, c in channels.items()
                if (name != "team-b" or sender in users[10:])
                and (name != "team-a" or sender in users[:12])
            ]
            plan.append((sender, rng.choice(options), f"{sender}-{i}"))

        async def send_all(sender: str) -> int:
            (ticket,) = await tickets_for(seed.url, [seed.id(sender)])
            client = await Client.connect(hub.ws_url, ticket)
            mine = [(c, cmid) for s, c, cmid in plan if s == sender]
            for channel_id, cmid in mine:
                await client.send(
                    {
                        "type": "send",
                        "channel_id": channel_id,
                        "client_msg_id": cmid,
                        "text": f"msg {cmid}",
                    }
                )
            acked = 0
            while acked < len(mine):
                frame = await client.recv(timeout=30)
                assert frame["type"] != "error", frame
                if frame["type"] == "ack":
                    acked += 1
            await client.close()
            return acked

        sent = await asyncio.gather(*(send_all(s) for s in senders))
        assert sum(sent) == MESSAGES
        stop.set()
        await asyncio.gather(*churners)

        logged = await logged_message_seqs(seed.url)
        last_seq = {channel_id: seqs[-1] for channel_id, seqs in logged.items()}
        await asyncio.gather(
            *(
                r.drain({c: last_seq[c] for c in r.cursors if c in last_seq}, random.Random(1))
                for r in receivers
            )
        )
    assert sum(len(seqs) for seqs in logged.values()) == MESSAGES
    for receiver in receivers:
        assert receiver.reconnects > 2
        # Every client followed its channels from before the first message: it must hold
        # every message of each, exactly once, in order.
        assert set(receiver.cursors) <= set(channels.values())
        for channel_id in receiver.cursors:
            assert receiver.received[channel_id] == logged[channel_id], (
                f"{receiver.username} in channel {channel_id}"
            )


__all__ = ["websockets"]
