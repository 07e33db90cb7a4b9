"""A partner guest learns nothing outside their shared channels, through any route or event.

Marker text is planted in internal channels, people and messages; then, as the guest,
every route in the OpenAPI document is called with every interesting id while every
event type happens around the guest. The marker must appear nowhere the guest can read.
"""

from __future__ import annotations

import itertools
import re
from datetime import timedelta
from typing import Any

import httpx

from hub.auth.passwords import hash_password
from hub.auth.tokens import issue_token
from hub.db import create_engine, create_sessionmaker
from hub.models import Person
from tests.support import SECRET, Client, HubProcess, Seed, count_rows, ticket_for

MARKER = "ZZMARK"


async def token_for(seed: Seed, username: str) -> str:
    engine = create_engine(seed.url)
    async with create_sessionmaker(engine)() as session:
        token = await issue_token(
            session, SECRET.encode(), seed.id(username), "bearer", timedelta(hours=1)
        )
    await engine.dispose()
    return token


async def add_marker_person(seed: Seed) -> int:
    engine = create_engine(seed.url)
    async with create_sessionmaker(engine)() as session:
        person = Person(
            org_id=seed.people["alice"].org_id,
            username="zzmark",
            display_name=f"{MARKER} 秘密",
            title=f"{MARKER} title",
            email="zzmark@example.com",
            password_hash=hash_password("secret-pass-1"),
        )
        session.add(person)
        await session.commit()
        await session.refresh(person)
        seed.people["zzmark"] = person
    await engine.dispose()
    return person.id or 0


def fill(path: str, values: dict[str, Any]) -> str:
    return re.sub(r"\{(\w+)(:\w+)?\}", lambda m: str(values[m.group(1)]), path)


async def test_guest_sees_no_marker_anywhere(hub_server: HubProcess, seed: Seed) -> None:
    base = hub_server.base
    marker_person = await add_marker_person(seed)
    alice = httpx.AsyncClient(
        base_url=base, headers={"Authorization": f"Bearer {await token_for(seed, 'alice')}"}
    )
    guest = httpx.AsyncClient(
        base_url=base, headers={"Authorization": f"Bearer {await token_for(seed, 'gina')}"}
    )

    # Plant markers: a private and a public channel named and topiced with it, messages, a DM.
    created = await alice.post(
        "/api/v1/channels",
        json={
            "name": f"{MARKER}-private",
            "kind": "private",
            "topic": MARKER,
            "member_ids": [marker_person],
        },
    )
    assert created.status_code == 201, created.text
    private_id = created.json()["channel"]["id"]
    created = await alice.post(
        "/api/v1/channels", json={"name": f"{MARKER}-public", "kind": "public", "topic": MARKER}
    )
    public_id = created.json()["channel"]["id"]
    dm = await alice.post("/api/v1/channels/direct", json={"person_ids": [marker_person]})
    dm_id = dm.json()["channel"]["id"]
    posted = await alice.post(
        f"/api/v1/channels/{private_id}/messages",
        json={"text": f"{MARKER} plans", "client_msg_id": "mark-1"},
    )
    assert posted.status_code == 201, posted.text
    message_id = posted.json()["message"]["id"]
    reply = await alice.post(
        f"/api/v1/channels/{private_id}/messages",
        json={"text": f"{MARKER} reply", "client_msg_id": "mark-2", "thread_root_id": message_id},
    )
    reply_id = reply.json()["message"]["id"]
    shared = seed.channels["shared"]
    shared_msg = await alice.post(
        f"/api/v1/channels/{shared}/messages",
        json={"text": "hello partner", "client_msg_id": "ok-1"},
    )
    shared_message_id = shared_msg.json()["message"]["id"]

    # The guest listens on the WebSocket while every kind of event happens.
    gina = await Client.connect(hub_server.ws_url, await ticket_for(seed.url, seed.id("gina")))
    zz = await Client.connect(hub_server.ws_url, await ticket_for(seed.url, marker_person))
    await zz.send({"type": "typing", "channel_id": private_id})
    await zz.send({"type": "presence", "status": "away"})
    await zz.send(
        {
            "type": "send",
            "channel_id": private_id,
            "client_msg_id": "zz-1",
            "text": f"{MARKER} from zz",
        }
    )
    await alice.patch(f"/api/v1/messages/{message_id}", json={"text": f"{MARKER} edited"})
    await alice.post(f"/api/v1/messages/{message_id}/reactions", json={"emoji": "🔒"})
    await alice.patch(f"/api/v1/channels/{private_id}", json={"topic": f"{MARKER} topic 2"})
    await alice.post(
        f"/api/v1/channels/{private_id}/members", json={"person_ids": [seed.id("carol")]}
    )
    await alice.delete(f"/api/v1/channels/{private_id}/members/{seed.id('carol')}")
    await alice.delete(f"/api/v1/messages/{reply_id}")
    # And in the shared channel, so the guest does receive something (the test can fail).
    await alice.post(f"/api/v1/messages/{shared_message_id}/reactions", json={"emoji": "🤝"})
    await alice.patch(f"/api/v1/channels/{shared}", json={"topic": "Delivery schedule"})
    await zz.close()

    # Every route, as the guest, with every id that points at something secret.
    spec = (await guest.get("/openapi.json")).json()
    ids = {
        "channel_id": [
            private_id,
            public_id,
            dm_id,
            seed.channels["internal"],
            seed.channels["general"],
            shared,
        ],
        "person_id": [marker_person, seed.id("carol")],
        "message_id": [message_id, reply_id],
        "emoji": ["🔒"],
    }
    body = {
        "text": "guest was here",
        "client_msg_id": "g-1",
        "person_ids": [marker_person],
        "member_ids": [marker_person],
        "name": "guest-room",
        "kind": "public",
        "topic": "t",
        "emoji": "🔒",
        "seq": 1,
    }
    before = await count_rows(seed.url, "message")
    calls = 0
    leaks = []
    for path, operations in spec["paths"].items():
        for method in operations:
            # Signing out (one session or all) would end the guest's own test session.
            if path.endswith(("/sign-out", "/sign-out-everywhere")) or method.upper() not in {
                "GET",
                "POST",
                "PATCH",
                "DELETE",
                "PUT",
            }:
                continue
            names = re.findall(r"\{(\w+)", path)
            for combo in itertools.product(*(ids.get(n, [1]) for n in names)):
                url = fill(path, dict(zip(names, combo, strict=True)))
                params = {"q": MARKER[:3].lower(), "ids": f"{marker_person},{seed.id('carol')}"}
                response = await guest.request(
                    method.upper(),
                    url,
                    params=params,
                    json=body if method.upper() in {"POST", "PATCH", "PUT"} else None,
                )
                calls += 1
                if MARKER in response.text or "zzmark" in response.text:
                    leaks.append(
                        f"{method.upper()} {url} -> {response.status_code}: {response.text[:200]}"
                    )
                if str(marker_person) in re.findall(r'"person_id":\s*(\d+)', response.text):
                    leaks.append(f"{method.upper()} {url} names the marker person")
    # What the guest's own routes show of the shared channel is fine; nothing else is.
    assert not leaks, "\n".join(leaks)
    assert calls > 30
    # The guest could write only where she belongs: the shared channel.
    guest_messages = await count_rows(seed.url, "message", "sender_id = :g", g=seed.id("gina"))
    assert await count_rows(seed.url, "message") == before + guest_messages
    assert (
        await count_rows(
            seed.url, "message", "sender_id = :g AND channel_id != :s", g=seed.id("gina"), s=shared
        )
        == 0
    )

    # A last event the guest sees: once it reaches her, everything before it has. (She may
    # have left the shared channel among the routes above; she is added back first.)
    back = await alice.post(
        f"/api/v1/channels/{shared}/members", json={"person_ids": [seed.id("gina")]}
    )
    assert back.is_success, back.text
    finish = await alice.post(
        f"/api/v1/messages/{shared_message_id}/reactions", json={"emoji": "🏁"}
    )
    assert finish.is_success, finish.text
    frames = list(gina.replayed)
    while not (
        frames[-1:]
        and frames[-1].get("type") == "reaction.added"
        and frames[-1].get("emoji") == "🏁"
    ):
        frames.append(await gina.recv())
    text = repr(frames)
    assert MARKER not in text and "zzmark" not in text, text
    assert not any(
        f.get("type") == "presence" and f.get("person_id") == marker_person for f in frames
    )
    assert not any(f.get("type") == "typing" for f in frames)
    assert not any(f.get("channel_id") in (private_id, public_id, dm_id) for f in frames)
    kinds = {f.get("type") for f in frames}
    assert {"reaction.added", "channel.updated"} <= kinds, kinds
    await gina.close()
    await alice.aclose()
    await guest.aclose()
