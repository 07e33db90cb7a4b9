"""WebSocket frames the database cannot store get an error frame, never `internal`: NUL
characters and ids out of range, on SQLite and on PostgreSQL (hub/wire/inputs.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import (
    Client,
    HubProcess,
    Seed,
    count_rows,
    running_hub,
    seed_database,
    ticket_for,
)


@pytest.fixture
async def seed(database_url: str) -> Seed:
    return await seed_database(database_url)


@pytest.fixture
async def hub_server(seed: Seed, tmp_path: Path) -> AsyncIterator[HubProcess]:
    async with running_hub(seed.url, tmp_path) as hub:
        yield hub


async def test_frames_with_nul_or_ids_out_of_range_are_refused(
    hub_server: HubProcess, seed: Seed
) -> None:
    bob = await Client.connect(hub_server.ws_url, await ticket_for(seed.url, seed.id("bob")))
    general = seed.channels["general"]
    await bob.send({"type": "send", "channel_id": general, "client_msg_id": "ok-1", "text": "hi"})
    message_id = (await bob.expect("ack", client_msg_id="ok-1"))["message_id"]
    before = await count_rows(seed.url, "message")
    send: dict[str, Any] = {"type": "send", "channel_id": general, "text": "hi"}
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({**send, "client_msg_id": "n1", "text": "a\u0000b"}, "validation_failed", "`text`"),
        ({**send, "client_msg_id": "n\u00002"}, "validation_failed", "`client_msg_id`"),
        ({**send, "client_msg_id": "r1", "channel_id": 2**31}, "channel_not_found", "2147483648"),
        ({**send, "client_msg_id": "r2", "channel_id": 2**64 - 1}, "channel_not_found", ""),
        ({**send, "client_msg_id": "r3", "thread_root_id": 2**31}, "message_not_found", ""),
        ({**send, "client_msg_id": "r4", "channel_id": -5}, "validation_failed", "`channel_id`"),
        (
            {"type": "edit", "message_id": message_id, "text": "\u0000"},
            "validation_failed",
            "`text`",
        ),
        ({"type": "edit", "message_id": 2**31, "text": "x"}, "message_not_found", ""),
        (
            {"type": "react", "message_id": message_id, "emoji": "\u0000"},
            "validation_failed",
            "`emoji`",
        ),
        (
            {"type": "command", "channel_id": general, "text": "/poll a\u0000 b"},
            "validation_failed",
            "`text`",
        ),
        (
            {"type": "card_action", "message_id": message_id, "version": 2**31, "action_id": "a"},
            "validation_failed",
            "`version`",
        ),
        (
            {
                "type": "card_action",
                "message_id": message_id,
                "version": 1,
                "action_id": "a",
                "values": {"k": "\u0000"},
            },
            "validation_failed",
            "`values.k`",
        ),
        (
            {"type": "form_submit", "form_id": "f", "values": {"k": "\u0000"}},
            "validation_failed",
            "`values.k`",
        ),
        ({"type": "read", "channel_id": general, "seq": 2**40}, "validation_failed", "`seq`"),
        ({"type": "sync", "cursors": {str(general): 2**40}}, "validation_failed", "`cursors"),
    ]
    for index, (frame, code, mentioned) in enumerate(cases):
        ref = f"case-{index}"
        await bob.send({**frame, "ref": ref})
        error = await bob.expect("error", ref=ref)
        assert error["code"] == code, (frame, error)
        # Frame fields are named with their frame type: `send.channel_id`.
        assert mentioned.lstrip("`") in error["message"], (frame, error)
    # Beyond 64 bits (orjson reads it as a float): still a well-formed id too large to exist.
    await bob.ws.send(
        f'{{"type": "send", "channel_id": {2**70}, "client_msg_id": "r5", "text": "hi", "ref": "big"}}'
    )
    assert (await bob.expect("error", ref="big"))["code"] == "channel_not_found"
    assert await count_rows(seed.url, "message") == before
    assert await count_rows(seed.url, "reaction") == 0
    # The connection is still good.
    await bob.send({"type": "ping", "ref": "still-here"})
    assert (await bob.expect("pong"))["type"] == "pong"
    await bob.close()
