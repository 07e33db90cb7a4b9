"""Channels over HTTP: create, list with unread counts, browse, direct messages, membership,
topic and name, archive, read marks and the event log, and what guests cannot see."""

from __future__ import annotations

from typing import Any

import httpx


def code(response: httpx.Response) -> str:
    value: str = response.json()["error"]["code"]
    return value


async def send(
    client: httpx.AsyncClient, channel_id: int, text: str, client_msg_id: str
) -> dict[str, Any]:
    response = await client.post(
        f"/api/v1/channels/{channel_id}/messages",
        json={"text": text, "client_msg_id": client_msg_id},
    )
    assert response.status_code == 201, response.text
    message: dict[str, Any] = response.json()["message"]
    return message


async def test_create_channel_and_list_with_unread_and_mentions(
    alice: httpx.AsyncClient, bob: httpx.AsyncClient, world: Any, create_channel: Any
) -> None:
    channel = await create_channel(alice, "general", topic="Everything", member_ids=[world.bob])
    assert (
        channel["kind"] == "public"
        and channel["name"] == "general"
        and channel["topic"] == "Everything"
    )
    assert channel["joined"] is True and channel["role"] == "owner" and channel["member_count"] == 2
    assert channel["members"] is None

    await send(alice, channel["id"], "hello", "m1")
    await send(alice, channel["id"], "@bob look", "m2")
    await send(bob, channel["id"], "mine do not count", "m3")

    listed = await bob.get("/api/v1/channels")
    assert listed.status_code == 200
    (mine,) = listed.json()["channels"]
    assert mine["id"] == channel["id"] and mine["role"] == "member"
    assert (mine["unread_count"], mine["mention_count"]) == (2, 1)
    assert mine["muted"] is False and mine["last_read_seq"] < mine["last_seq"]

    read = await bob.post(
        f"/api/v1/channels/{channel['id']}/read", json={"seq": mine["last_seq"] + 100}
    )
    assert read.status_code == 200 and read.json()["last_read_seq"] == mine["last_seq"]
    back = await bob.post(f"/api/v1/channels/{channel['id']}/read", json={"seq": 1})
    assert back.json()["last_read_seq"] == mine["last_seq"]  # never moves back
    (after,) = (await bob.get("/api/v1/channels")).json()["channels"]
    assert (after["unread_count"], after["mention_count"]) == (0, 0)


async def test_create_channel_errors(
    bob: httpx.AsyncClient, gina: httpx.AsyncClient, world: Any, create_channel: Any
) -> None:
    guest = await gina.post("/api/v1/channels", json={"name": "mine", "kind": "public"})
    assert guest.status_code == 403 and code(guest) == "forbidden"
    no_guests = await bob.post(
        "/api/v1/channels", json={"name": "x", "kind": "private", "member_ids": [world.gina]}
    )
    assert no_guests.status_code == 403 and code(no_guests) == "forbidden"
    unknown = await bob.post(
        "/api/v1/channels", json={"name": "x", "kind": "public", "member_ids": [999]}
    )
    assert unknown.status_code == 404 and code(unknown) == "person_not_found"
    deactivated = await bob.post(
        "/api/v1/channels", json={"name": "x", "kind": "public", "member_ids": [world.dave]}
    )
    assert deactivated.status_code == 400 and code(deactivated) == "bad_request"
    bad_kind = await bob.post("/api/v1/channels", json={"name": "x", "kind": "direct"})
    assert bad_kind.status_code == 400 and code(bad_kind) == "validation_failed"
    blank = await bob.post("/api/v1/channels", json={"name": "   ", "kind": "public"})
    assert blank.status_code == 400 and code(blank) == "validation_failed"
    shared = await create_channel(
        bob, "with-supplier", "private", shared=True, member_ids=[world.gina]
    )
    assert shared["shared"] is True and shared["partner_orgs"] == ["Supplier Ltd"]


async def test_browse_and_join_and_leave(
    alice: httpx.AsyncClient, bob: httpx.AsyncClient, gina: httpx.AsyncClient, create_channel: Any
) -> None:
    general = await create_channel(alice, "general", topic="Company news")
    await create_channel(alice, "secret", "private")
    random = await create_channel(alice, "random")

    browse = await bob.get("/api/v1/channels/browse")
    assert browse.status_code == 200
    found = {c["name"]: c for c in browse.json()["channels"]}
    assert set(found) == {"general", "random"} and found["general"]["joined"] is False
    assert found["general"]["unread_count"] is None
    by_topic = await bob.get("/api/v1/channels/browse", params={"q": "NEWS"})
    assert [c["id"] for c in by_topic.json()["channels"]] == [general["id"]]
    guest = await gina.get("/api/v1/channels/browse")
    assert guest.status_code == 403 and code(guest) == "forbidden"

    # Staff may read a public channel before joining, but not keep a read marker there.
    peek = await bob.get(f"/api/v1/channels/{random['id']}")
    assert peek.status_code == 200 and peek.json()["channel"]["joined"] is False
    not_member = await bob.post(f"/api/v1/channels/{random['id']}/read", json={"seq": 1})
    assert not_member.status_code == 403 and code(not_member) == "not_a_member"

    joined = await bob.post(f"/api/v1/channels/{general['id']}/join")
    assert joined.status_code == 200 and joined.json()["channel"]["joined"] is True
    assert joined.json()["channel"]["member_count"] == 2
    assert (await bob.post(f"/api/v1/channels/{general['id']}/join")).status_code == 200
    members = await bob.get(f"/api/v1/channels/{general['id']}/members")
    assert [(m["person"]["username"], m["role"]) for m in members.json()["members"]] == [
        ("alice", "owner"),
        ("bob", "member"),
    ]

    left = await bob.post(f"/api/v1/channels/{general['id']}/leave")
    assert left.status_code == 204
    again = await bob.post(f"/api/v1/channels/{general['id']}/leave")
    assert again.status_code == 403 and code(again) == "not_a_member"
    assert [c["id"] for c in (await bob.get("/api/v1/channels")).json()["channels"]] == []


async def test_guests_learn_nothing_about_other_channels(
    alice: httpx.AsyncClient, gina: httpx.AsyncClient, create_channel: Any
) -> None:
    public = await create_channel(alice, "general")
    private = await create_channel(alice, "secret", "private")
    for channel in (public, private):
        cid = channel["id"]
        for method, path, body in [
            ("GET", f"/api/v1/channels/{cid}", None),
            ("GET", f"/api/v1/channels/{cid}/members", None),
            ("GET", f"/api/v1/channels/{cid}/messages", None),
            ("GET", f"/api/v1/channels/{cid}/events", None),
            ("POST", f"/api/v1/channels/{cid}/join", None),
            ("POST", f"/api/v1/channels/{cid}/leave", None),
            ("POST", f"/api/v1/channels/{cid}/read", {"seq": 1}),
            ("POST", f"/api/v1/channels/{cid}/messages", {"text": "hi", "client_msg_id": "g1"}),
            ("PATCH", f"/api/v1/channels/{cid}", {"topic": "mine now"}),
        ]:
            response = await gina.request(method, path, json=body)
            assert response.status_code == 404, (method, path, response.text)
            assert code(response) == "channel_not_found"
            assert str(cid) in response.json()["error"]["message"]
    # The same answer as for a channel that does not exist at all.
    nowhere = await gina.get("/api/v1/channels/999999")
    assert nowhere.status_code == 404 and code(nowhere) == "channel_not_found"


async def test_bob_cannot_see_private_channels_he_is_not_in(
    alice: httpx.AsyncClient, bob: httpx.AsyncClient, create_channel: Any
) -> None:
    private = await create_channel(alice, "secret", "private")
    response = await bob.get(f"/api/v1/channels/{private['id']}")
    assert response.status_code == 404 and code(response) == "channel_not_found"
    join = await bob.post(f"/api/v1/channels/{private['id']}/join")
    assert join.status_code == 404 and code(join) == "channel_not_found"


async def test_direct_and_group_messages(
    bob: httpx.AsyncClient,
    carol: httpx.AsyncClient,
    gina: httpx.AsyncClient,
    world: Any,
    create_channel: Any,
) -> None:
    first = await bob.post("/api/v1/channels/direct", json={"person_ids": [world.carol]})
    assert first.status_code == 200
    direct = first.json()["channel"]
    assert direct["kind"] == "direct" and direct["name"] is None
    assert [p["id"] for p in direct["members"]] == [world.carol]
    from_carol = await carol.post("/api/v1/channels/direct", json={"person_ids": [world.bob]})
    assert from_carol.json()["channel"]["id"] == direct["id"]
    assert [p["id"] for p in from_carol.json()["channel"]["members"]] == [world.bob]

    group = (
        await bob.post("/api/v1/channels/direct", json={"person_ids": [world.carol, world.alice]})
    ).json()["channel"]
    assert group["kind"] == "group" and {p["id"] for p in group["members"]} == {
        world.alice,
        world.carol,
    }
    same = await carol.post(
        "/api/v1/channels/direct", json={"person_ids": [world.alice, world.bob, world.carol]}
    )
    assert same.json()["channel"]["id"] == group["id"]

    listed = {c["id"]: c for c in (await bob.get("/api/v1/channels")).json()["channels"]}
    assert listed[direct["id"]]["members"][0]["username"] == "carol"

    only_me = await bob.post("/api/v1/channels/direct", json={"person_ids": [world.bob]})
    assert only_me.status_code == 400 and code(only_me) == "bad_request"
    too_many = await bob.post("/api/v1/channels/direct", json={"person_ids": list(range(1, 11))})
    assert too_many.status_code == 400 and code(too_many) == "validation_failed"
    deactivated = await bob.post("/api/v1/channels/direct", json={"person_ids": [world.dave]})
    assert deactivated.status_code == 400 and code(deactivated) == "bad_request"

    # A guest can message only people they share a channel with.
    hidden = await gina.post("/api/v1/channels/direct", json={"person_ids": [world.carol]})
    assert hidden.status_code == 404 and code(hidden) == "person_not_found"
    await create_channel(bob, "supplier", "private", shared=True, member_ids=[world.gina])
    allowed = await gina.post("/api/v1/channels/direct", json={"person_ids": [world.bob]})
    assert allowed.status_code == 200 and allowed.json()["channel"]["kind"] == "direct"

    # Leaving a conversation and starting it again brings you back.
    assert (await bob.post(f"/api/v1/channels/{direct['id']}/leave")).status_code == 204
    back = await bob.post("/api/v1/channels/direct", json={"person_ids": [world.carol]})
    assert back.json()["channel"]["id"] == direct["id"] and back.json()["channel"]["joined"] is True


async def test_invite_and_remove(
    alice: httpx.AsyncClient,
    bob: httpx.AsyncClient,
    carol: httpx.AsyncClient,
    world: Any,
    create_channel: Any,
) -> None:
    channel = await create_channel(bob, "project", "private")
    cid = channel["id"]
    invited = await bob.post(f"/api/v1/channels/{cid}/members", json={"person_ids": [world.carol]})
    assert invited.status_code == 200 and invited.json()["channel"]["member_count"] == 2
    guest = await bob.post(f"/api/v1/channels/{cid}/members", json={"person_ids": [world.gina]})
    assert guest.status_code == 403 and code(guest) == "forbidden"
    nobody = await bob.post(f"/api/v1/channels/{cid}/members", json={"person_ids": [4242]})
    assert nobody.status_code == 404 and code(nobody) == "person_not_found"
    outsider = await alice.post(
        f"/api/v1/channels/{cid}/members", json={"person_ids": [world.alice]}
    )
    assert outsider.status_code == 404 and code(outsider) == "channel_not_found"

    # Only owners and admins remove others.
    not_owner = await carol.delete(f"/api/v1/channels/{cid}/members/{world.bob}")
    assert not_owner.status_code == 403 and code(not_owner) == "forbidden"
    removed = await bob.delete(f"/api/v1/channels/{cid}/members/{world.carol}")
    assert removed.status_code == 204
    assert (await carol.get(f"/api/v1/channels/{cid}")).status_code == 404
    gone = await bob.delete(f"/api/v1/channels/{cid}/members/{world.carol}")
    assert gone.status_code == 404 and code(gone) == "not_found"
    # Removing yourself is leaving.
    me = await bob.delete(f"/api/v1/channels/{cid}/members/{world.bob}")
    assert me.status_code == 204
    assert (await bob.get(f"/api/v1/channels/{cid}")).status_code == 404


async def test_topic_name_and_archive(
    alice: httpx.AsyncClient,
    bob: httpx.AsyncClient,
    carol: httpx.AsyncClient,
    world: Any,
    create_channel: Any,
) -> None:
    channel = await create_channel(bob, "project", member_ids=[world.carol])
    cid = channel["id"]
    topic = await carol.patch(f"/api/v1/channels/{cid}", json={"topic": "Ship it"})
    assert topic.status_code == 200 and topic.json()["channel"]["topic"] == "Ship it"
    rename = await carol.patch(f"/api/v1/channels/{cid}", json={"name": "renamed"})
    assert rename.status_code == 403 and code(rename) == "forbidden"
    renamed = await bob.patch(f"/api/v1/channels/{cid}", json={"name": "project-x"})
    assert renamed.status_code == 200 and renamed.json()["channel"]["name"] == "project-x"
    empty = await bob.patch(f"/api/v1/channels/{cid}", json={})
    assert empty.status_code == 400 and code(empty) == "validation_failed"

    refused = await carol.post(f"/api/v1/channels/{cid}/archive")
    assert refused.status_code == 403 and code(refused) == "forbidden"
    archived = await bob.post(f"/api/v1/channels/{cid}/archive")
    assert archived.status_code == 200 and archived.json()["channel"]["archived"] is True
    twice = await bob.post(f"/api/v1/channels/{cid}/archive")
    assert twice.status_code == 409 and code(twice) == "conflict"
    write = await carol.post(
        f"/api/v1/channels/{cid}/messages", json={"text": "hi", "client_msg_id": "a1"}
    )
    assert write.status_code == 409 and code(write) == "channel_archived"
    topic_archived = await carol.patch(f"/api/v1/channels/{cid}", json={"topic": "x"})
    assert topic_archived.status_code == 409 and code(topic_archived) == "channel_archived"
    join_archived = await alice.post(f"/api/v1/channels/{cid}/join")
    assert join_archived.status_code == 409 and code(join_archived) == "channel_archived"
    # An admin may manage any channel they can see.
    unarchived = await alice.post(f"/api/v1/channels/{cid}/unarchive")
    assert unarchived.status_code == 200 and unarchived.json()["channel"]["archived"] is False
    not_archived = await alice.post(f"/api/v1/channels/{cid}/unarchive")
    assert not_archived.status_code == 409 and code(not_archived) == "conflict"


async def test_event_log(
    bob: httpx.AsyncClient,
    carol: httpx.AsyncClient,
    alice: httpx.AsyncClient,
    world: Any,
    create_channel: Any,
) -> None:
    channel = await create_channel(bob, "log", member_ids=[world.carol])
    cid = channel["id"]
    await send(bob, cid, "one", "e1")
    await carol.patch(f"/api/v1/channels/{cid}", json={"topic": "t"})
    page = await carol.get(f"/api/v1/channels/{cid}/events", params={"limit": 2})
    assert page.status_code == 200
    body = page.json()
    assert [e["seq"] for e in body["events"]] == [1, 2] and body["has_more"] is True
    assert [e["type"] for e in body["events"]] == ["member.joined", "member.joined"]
    rest = (await carol.get(f"/api/v1/channels/{cid}/events", params={"after": 2})).json()
    assert [e["type"] for e in rest["events"]] == ["message.new", "channel.updated"]
    assert rest["has_more"] is False and rest["last_seq"] == 4
    assert rest["events"][0]["message"]["text"] == "one"
    # Staff who have not joined a public channel can read it but not its raw log.
    outsider = await alice.get(f"/api/v1/channels/{cid}/events")
    assert outsider.status_code == 403 and code(outsider) == "not_a_member"
    bad = await carol.get(f"/api/v1/channels/{cid}/events", params={"after": -1})
    assert bad.status_code == 400 and code(bad) == "validation_failed"
