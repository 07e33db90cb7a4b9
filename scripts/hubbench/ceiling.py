"""The ceiling: a bare `websockets` server speaking the slice of the hub protocol the bench uses.

It does what any Python fan-out server on this stack must do and nothing more: parse the
client's JSON, build one `message.new` frame shaped like the hub's, and hand it to
`websockets.broadcast()`. No database, no permissions, no queues. The hub's fan-out
divided by this one says how much of the stack's capacity the hub's own work costs.

Tickets carry identity and membership, so the same load generator drives both servers:
"ceiling:<person_id>:<channel_id>,<channel_id>...".

Run alone: python -m hubbench.ceiling --port 8765
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
from collections import defaultdict
from datetime import UTC, datetime
from http import HTTPStatus

import orjson
from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.http11 import Request, Response

_members: defaultdict[int, set[ServerConnection]] = defaultdict(set)
_last_seq: defaultdict[int, int] = defaultdict(int)
_message_ids = itertools.count(1)


def ceiling_ticket(person_id: int, channel_ids: list[int]) -> str:
    return f"ceiling:{person_id}:{','.join(str(c) for c in channel_ids)}"


def _parse_ticket(ticket: object) -> tuple[int, list[int]] | None:
    if not isinstance(ticket, str) or not ticket.startswith("ceiling:"):
        return None
    _, person, channels = ticket.split(":", 2)
    return int(person), [int(c) for c in channels.split(",") if c]


def _healthz(connection: ServerConnection, request: Request) -> Response | None:
    if request.path == "/healthz":
        return connection.respond(HTTPStatus.OK, "ok\n")
    return None


async def _session(ws: ServerConnection) -> None:
    auth = orjson.loads(await ws.recv())
    identity = _parse_ticket(auth.get("ticket")) if auth.get("type") == "auth" else None
    if identity is None:
        await ws.send(
            orjson.dumps({"type": "error", "code": "unauthorized", "message": "bad ticket"}),
            text=True,
        )
        return
    person_id, channel_ids = identity
    await ws.send(
        orjson.dumps({"type": "hello", "person_id": person_id, "channels": channel_ids}), text=True
    )
    sync = orjson.loads(await ws.recv())
    if sync.get("type") != "sync":
        return
    await ws.send(orjson.dumps({"type": "synced", "cursors": {}}), text=True)
    for channel_id in channel_ids:
        _members[channel_id].add(ws)
    try:
        async for raw in ws:
            request = orjson.loads(raw)
            if request.get("type") == "send" and request.get("channel_id") in channel_ids:
                _deliver(ws, person_id, request)
    finally:
        for channel_id in channel_ids:
            _members[channel_id].discard(ws)


def _deliver(ws: ServerConnection, person_id: int, request: dict[str, object]) -> None:
    channel_id = int(request["channel_id"])  # type: ignore[call-overload]
    _last_seq[channel_id] += 1
    seq = _last_seq[channel_id]
    message_id = next(_message_ids)
    now = datetime.now(UTC).isoformat()
    # Same fields as the hub's message.new, so frames are the same size.
    frame = orjson.dumps(
        {
            "type": "message.new",
            "channel_id": channel_id,
            "seq": seq,
            "message": {
                "id": message_id,
                "channel_id": channel_id,
                "seq": seq,
                "sender_id": person_id,
                "thread_root_id": None,
                "text": request.get("text", ""),
                "card": None,
                "client_msg_id": request.get("client_msg_id"),
                "created_at": now,
                "edited_at": None,
                "deleted_at": None,
                "reply_count": 0,
                "last_reply_at": None,
                "reactions": [],
                "mentions": [],
            },
        }
    )
    ack = orjson.dumps(
        {
            "type": "ack",
            "client_msg_id": request.get("client_msg_id"),
            "channel_id": channel_id,
            "seq": seq,
            "message_id": message_id,
            "duplicate": False,
        }
    )
    broadcast([ws], ack, text=True)
    broadcast(_members[channel_id], frame, text=True)


async def serve_ceiling(host: str, port: int) -> None:
    async with serve(
        _session,
        host,
        port,
        process_request=_healthz,
        compression=None,
        max_size=1 << 20,
        ping_interval=None,
    ) as server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Bare websockets fan-out server (the bench's ceiling)."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    try:
        import uvloop  # the hub runs under uvicorn, which picks uvloop when installed
    except ImportError:
        asyncio.run(serve_ceiling(args.host, args.port))
    else:
        uvloop.run(serve_ceiling(args.host, args.port))


if __name__ == "__main__":
    main()
