"""A client that cannot keep up is closed with 4008 and does not slow the others."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import httpx
import orjson
import websockets
from websockets.exceptions import ConnectionClosed

from tests.support import Client, Seed, running_hub, ticket_for


async def test_slow_consumer_is_closed_and_others_keep_receiving(
    seed: Seed, tmp_path: Path
) -> None:
    general = seed.channels["general"]
    async with running_hub(
        seed.url,
        tmp_path,
        connection_queue_frames=400,
        group_commit_max_batch=50,
        send_rate_per_second=100000,
        send_rate_burst=100000,
    ) as hub:
        # Bob's client reads nothing: its socket buffers fill, then the hub's queue for it.
        # A tiny receive buffer, so the kernel does not absorb megabytes on its behalf.
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", hub.port))
        slow = await websockets.connect(
            hub.ws_url, sock=sock, max_queue=1, max_size=2**22, compression=None
        )
        await slow.send(
            orjson.dumps(
                {"type": "auth", "ticket": await ticket_for(seed.url, seed.id("bob"))}
            ).decode()
        )
        await slow.send(orjson.dumps({"type": "sync", "cursors": {}}).decode())
        carol = await Client.connect(hub.ws_url, await ticket_for(seed.url, seed.id("carol")))
        alice = await Client.connect(hub.ws_url, await ticket_for(seed.url, seed.id("alice")))
        total = 1500
        text = "x" * 9000

        async def read_own_echoes() -> None:
            while True:
                await alice.recv(timeout=60)

        reader = asyncio.create_task(read_own_echoes())
        for i in range(total):
            await alice.send(
                {"type": "send", "channel_id": general, "client_msg_id": f"s-{i}", "text": text}
            )
        received = 0
        while received < total:
            frame = await carol.recv(timeout=30)
            if frame["type"] == "message.new":
                received += 1
        assert received == total
        reader.cancel()
        await asyncio.gather(reader, return_exceptions=True)
        code = None
        got = 0
        try:
            while True:
                got += (await asyncio.wait_for(slow.recv(), 10)).count("\n") + 1
        except ConnectionClosed as closed:
            code = closed.rcvd.code if closed.rcvd else None
        except TimeoutError:
            raise AssertionError(f"slow client got {got} frames and no close") from None
        assert code == 4008
        assert got < total
        metrics = await asyncio.to_thread(httpx.get, hub.base + "/metrics")
        assert "hub_queue_drops_total 1.0" in metrics.text
        await alice.close()
        await carol.close()
