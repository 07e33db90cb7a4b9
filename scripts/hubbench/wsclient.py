"""A lean WebSocket client for the load generator.

A general-purpose Python client spends about as much CPU per received frame as the server
spends sending it; on a small machine that makes the load generator the bottleneck. This
client speaks just enough RFC 6455 for the bench: the upgrade handshake, masked text
frames out, unmasked frames in (text, ping, close), and it hands each received text
payload to a callback as raw bytes, without decoding. It does not offer
permessage-deflate, so neither the hub nor the ceiling server compresses.
"""

from __future__ import annotations

import asyncio
import base64
import os
import struct
from collections.abc import Callable

import orjson
from websockets.speedups import apply_mask  # C; ships with the websockets wheels

FrameSink = Callable[[bytes], None]

SETUP_TIMEOUT = 30.0  # seconds for one connect, upgrade or setup reply
_OP_CONT, _OP_TEXT, _OP_BINARY, _OP_CLOSE, _OP_PING, _OP_PONG = 0, 1, 2, 8, 9, 10


class WsError(Exception):
    """The server refused the upgrade, closed, or answered with a protocol error."""


class BenchConnection(asyncio.Protocol):
    """One client connection. Frames go to `sink` once set, to an internal queue before."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.sink: FrameSink | None = None
        # > 0: after each read, leave the socket alone this long (seconds), so one read
        # takes many frames. For throughput runs only; it adds up to this much latency.
        self.read_pause = 0.0
        self.closed = asyncio.get_running_loop().create_future()
        self._handshake = asyncio.get_running_loop().create_future()
        self._upgraded = False
        self._pending = b""
        self._fragments: list[bytes] = []
        self._queue: asyncio.Queue[bytes] = asyncio.Queue()

    # -- connecting ------------------------------------------------------------------
    @classmethod
    async def open(cls, host: str, port: int, path: str = "/ws") -> BenchConnection:
        loop = asyncio.get_running_loop()
        _, conn = await asyncio.wait_for(loop.create_connection(cls, host, port), SETUP_TIMEOUT)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        assert conn.transport is not None
        conn.transport.write(request.encode())
        await asyncio.wait_for(conn._handshake, SETUP_TIMEOUT)
        return conn

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's TCP transport is not a subclass

    def connection_lost(self, exc: Exception | None) -> None:
        if not self._handshake.done():
            self._handshake.set_exception(WsError(f"connection lost during the upgrade: {exc}"))
        if not self.closed.done():
            self.closed.set_result(None)
        self._queue.put_nowait(b"")  # wakes a waiter in `expect`

    # -- sending ---------------------------------------------------------------------
    def send_text(self, payload: bytes) -> None:
        if self.transport is None or self.transport.is_closing():
            raise WsError("the connection is closed")
        self.transport.write(_frame(_OP_TEXT, payload))

    def send_json(self, obj: object) -> None:
        self.send_text(orjson.dumps(obj))

    def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(_frame(_OP_CLOSE, struct.pack("!H", 1000)))
            self.transport.close()

    # -- receiving -------------------------------------------------------------------
    async def expect(self, wanted: str) -> dict[str, object]:
        """Read frames until an object of type `wanted`; an error object raises WsError."""
        async with asyncio.timeout(SETUP_TIMEOUT):
            while True:
                payload = await self._queue.get()
                if not payload and self.closed.done():
                    raise WsError(f"closed by the server while waiting for {wanted!r}")
                for line in payload.split(b"\n"):
                    if not line:
                        continue
                    obj = orjson.loads(line)
                    if obj.get("type") == wanted:
                        return obj  # type: ignore[no-any-return]
                    if obj.get("type") == "error":
                        raise WsError(f"server error while waiting for {wanted!r}: {obj}")

    def data_received(self, data: bytes) -> None:
        if self.read_pause and self.transport is not None:
            self.transport.pause_reading()
            asyncio.get_running_loop().call_later(self.read_pause, self._resume_reading)
        if not self._upgraded:
            data = self._read_handshake(data)
            if not data:
                return
        if self._pending:
            data = self._pending + data
        size = len(data)
        pos = 0
        while size - pos >= 2:
            b0 = data[pos]
            b1 = data[pos + 1]
            length = b1 & 0x7F
            head = 2
            if length == 126:
                if size - pos < 4:
                    break
                length = int.from_bytes(data[pos + 2 : pos + 4], "big")
                head = 4
            elif length == 127:
                if size - pos < 10:
                    break
                length = int.from_bytes(data[pos + 2 : pos + 10], "big")
                head = 10
            masked = b1 & 0x80
            if masked:
                head += 4
            end = pos + head + length
            if end > size:
                break
            payload = data[pos + head : end]
            if masked:
                payload = apply_mask(payload, data[pos + head - 4 : pos + head])
            self._on_frame(b0 & 0x80, b0 & 0x0F, payload)
            pos = end
        self._pending = data[pos:] if pos < size else b""

    def _resume_reading(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.resume_reading()

    def _read_handshake(self, data: bytes) -> bytes:
        self._pending += data
        head, sep, rest = self._pending.partition(b"\r\n\r\n")
        if not sep:
            return b""
        self._pending = b""
        status = head.split(b"\r\n", 1)[0]
        if b" 101 " not in status + b" ":
            self._handshake.set_exception(
                WsError(f"upgrade refused: {status.decode(errors='replace')}")
            )
            assert self.transport is not None
            self.transport.close()
            return b""
        self._upgraded = True
        self._handshake.set_result(None)
        return rest

    def _on_frame(self, fin: int, opcode: int, payload: bytes) -> None:
        if opcode in (_OP_TEXT, _OP_BINARY, _OP_CONT):
            if not fin:
                self._fragments.append(payload)
                return
            if self._fragments:
                payload = b"".join([*self._fragments, payload])
                self._fragments.clear()
            if self.sink is not None:
                self.sink(payload)
            else:
                self._queue.put_nowait(payload)
        elif opcode == _OP_PING:
            assert self.transport is not None
            if not self.transport.is_closing():
                self.transport.write(_frame(_OP_PONG, payload))
        elif opcode == _OP_CLOSE:
            self.close()


def _frame(opcode: int, payload: bytes) -> bytes:
    mask = os.urandom(4)
    length = len(payload)
    if length < 126:
        header = struct.pack("!BB", 0x80 | opcode, 0x80 | length)
    elif length < 65536:
        header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, length)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, length)
    return header + mask + apply_mask(payload, mask)
