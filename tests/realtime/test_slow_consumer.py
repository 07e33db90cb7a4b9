"""A client that cannot keep up is closed with 4008 and does not slow the others.

The slow client is a raw socket speaking just enough WebSocket to sign in and then read
nothing, so no client library's own buffering or keepalive decides what happens.
"""

from __future__ import annotations

import asyncio
import base64
import os
import socket
import struct
from pathlib import Path

import httpx
import orjson

from tests.support import Client, Seed, running_hub, ticket_for, wait_for


def _masked_text_frame(text: str) -> bytes:
    payload = text.encode()
    mask = os.urandom(4)
    header = bytes([0x81])
    length = len(payload)
    if length < 126:
        header += bytes([0x80 | length])
    else:
        header += bytes([0x80 | 126]) + struct.pack("!H", length)
    return header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def _close_code(stream: bytes) -> int | None:
    """Walk the server's (unmasked) frames and return the close frame's code, if any."""
    position = 0
    while position + 2 <= len(stream):
        opcode = stream[position] & 0x0F
        length = stream[position + 1] & 0x7F
        position += 2
        if length == 126:
            (length,) = struct.unpack("!H", stream[position : position + 2])
            position += 2
        elif length == 127:
            (length,) = struct.unpack("!Q", stream[position : position + 8])
            position += 8
        payload = stream[position : position + length]
        position += length
        if opcode == 0x8:
            return int(struct.unpack("!H", payload[:2])[0]) if len(payload) >= 2 else None
    return None


def open_raw_client(port: int, ticket: str) -> socket.socket:
    # A bounded receive buffer (set before connecting, so the window agrees with it), so
    # the kernel does not absorb many megabytes on the client's behalf. Not much smaller:
    # a window under one segment stalls TCP itself for seconds at a time.
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 256 * 1024)
    sock.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (
            f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    response = b""
    while b"\r\n\r\n" not in response:
        response += sock.recv(1)
    assert response.startswith(b"HTTP/1.1 101"), response
    sock.sendall(_masked_text_frame(orjson.dumps({"type": "auth", "ticket": ticket}).decode()))
    sock.sendall(_masked_text_frame('{"type": "sync", "cursors": {}}'))
    return sock


def read_until_close_frame(sock: socket.socket) -> bytes:
    sock.settimeout(20)
    stream = b""
    while _close_code(stream) is None:
        chunk = sock.recv(1 << 20)
        if not chunk:
            break
        stream += chunk
    return stream


async def test_slow_consumer_is_closed_and_others_keep_receiving(
    seed: Seed, tmp_path: Path
) -> None:
    general = seed.channels["general"]
    async with running_hub(
        seed.url,
        tmp_path,
        connection_queue_frames=200,
        group_commit_max_batch=50,
        send_rate_per_second=100000,
        send_rate_burst=100000,
    ) as hub:
        slow = open_raw_client(hub.port, await ticket_for(seed.url, seed.id("bob")))
        carol = await Client.connect(hub.ws_url, await ticket_for(seed.url, seed.id("carol")))
        alice = await Client.connect(hub.ws_url, await ticket_for(seed.url, seed.id("alice")))
        total = 1500
        text = "x" * 9000

        echoes_done = asyncio.Event()

        async def read_own_echoes() -> None:
            # Polls with a short timeout rather than being cancelled: on Python 3.11 a
            # cancel can be lost inside wait_for and leave the task waiting out its timeout.
            while not echoes_done.is_set():
                try:
                    await alice.recv(timeout=0.5)
                except TimeoutError:
                    continue

        reader = asyncio.create_task(read_own_echoes())
        for i in range(total):
            await alice.send(
                {"type": "send", "channel_id": general, "client_msg_id": f"s-{i}", "text": text}
            )

        async def carol_receives_all() -> int:
            received = 0
            while received < total:
                frame = await carol.recv(timeout=30)
                if frame["type"] == "message.new":
                    received += 1
            return received

        receiving = asyncio.create_task(carol_receives_all())
        # Once the hub has given up on the slow client, it starts reading again and must
        # find the documented close code after what it was sent.
        async with httpx.AsyncClient(base_url=hub.base) as http:

            async def dropped() -> bool:
                return "hub_queue_drops_total 1.0" in (await http.get("/metrics")).text

            await wait_for(dropped, what="the hub to drop the slow consumer")
        stream = await asyncio.to_thread(read_until_close_frame, slow)
        slow.close()
        assert _close_code(stream) == 4008
        assert stream.count(b'"message.new"') < total
        # The fast reader got everything.
        assert await receiving == total
        echoes_done.set()
        await reader
        await alice.close()
        await carol.close()
