"""Messages over HTTP: idempotent sends, paging both ways, threads, edit, delete, reactions."""

from __future__ import annotations

from typing import Any

import httpx

from hub.ratelimit import RateLimiter


def code(response: httpx.Response) -> str:
    value: str = response.json()["error"]["code"]
    return value


async def post(
    client: httpx.AsyncClient, channel_id: int, text: str, cmid: str, **extra: Any
) -> httpx.Response:
    return await client.post(
        f"/api/v1/channels/{channel_id}/messages",
        json={"text": text, "client_msg_id": cmid, **extra},
    )


async def test_send_is_idempotent_by_client_msg_id(
    bob: httpx.AsyncClient, create_channel: Any
) -> None:
    channel = await create_channel(bob, "room")
    first = await post(bob, channel["id"], "hello", "abc-1")
    assert first.status_code == 201
    assert first.json()["duplicate"] is False
    message = first.json()["message"]
    assert (
        message["text"] == "hello"
        and message["client_msg_id"] == "abc-1"
        and message["thread_root_id"] is None
    )
    again = await post(bob, channel["id"], "hello again?", "abc-1")
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert (
        again.json()["message"]["id"] == message["id"]
        and again.json()["message"]["text"] == "hello"
    )
    page = (await bob.get(f"/api/v1/channels/{channel['id']}/messages")).json()
    assert [m["id"] for m in page["messages"]] == [message["id"]]


async def test_send_errors(
    bob: httpx.AsyncClient, carol: httpx.AsyncClient, settings: Any, create_channel: Any
) -> None:
    channel = await create_channel(bob, "room")
    cid = channel["id"]
    not_member = await post(carol, cid, "hi", "c1")
    assert not_member.status_code == 403 and code(not_member) == "not_a_member"
    too_long = await post(bob, cid, "x" * (settings.max_message_chars + 1), "c2")
    assert too_long.status_code == 413 and code(too_long) == "message_too_long"
    assert str(settings.max_message_chars) in too_long.json()["error"]["message"]
    empty = await post(bob, cid, "  ", "c3")
    assert empty.status_code == 400 and code(empty) == "validation_failed"
    bad_id = await post(bob, cid, "hi", "has spaces")
    assert bad_id.status_code == 400 and code(bad_id) == "validation_failed"
    no_id = await bob.post(f"/api/v1/channels/{cid}/messages", json={"text": "hi"})
    assert no_id.status_code == 400 and code(no_id) == "validation_failed"
    no_root = await post(bob, cid, "reply", "c4", thread_root_id=987654)
    assert no_root.status_code == 404 and code(no_root) == "message_not_found"
    nowhere = await post(bob, 987654, "hi", "c5")
    assert nowhere.status_code == 404 and code(nowhere) == "channel_not_found"


async def test_send_rate_limit(bob: httpx.AsyncClient, app: Any, create_channel: Any) -> None:
    channel = await create_channel(bob, "room")
    # A slow refill so the test does not race the clock; the limiter itself is the real one.
    burst = 5
    app.state.hub.send_limiter = RateLimiter(rate_per_second=0.01, burst=burst)
    statuses = [
        (await post(bob, channel["id"], f"m{i}", f"r{i}")).status_code for i in range(burst)
    ]
    assert set(statuses) == {201}
    limited = await post(bob, channel["id"], "one too many", "r-over")
    assert limited.status_code == 429 and code(limited) == "rate_limited"
    assert int(limited.headers["retry-after"]) >= 1


async def test_paging_both_directions(bob: httpx.AsyncClient, create_channel: Any) -> None:
    channel = await create_channel(bob, "room")
    cid = channel["id"]
    sent = [(await post(bob, cid, f"n{i}", f"p{i}")).json()["message"] for i in range(7)]
    seqs = [m["seq"] for m in sent]
    reply = await post(bob, cid, "in a thread", "p-reply", thread_root_id=sent[0]["id"])
    assert reply.status_code == 201

    latest = (await bob.get(f"/api/v1/channels/{cid}/messages", params={"limit": 3})).json()
    assert [m["seq"] for m in latest["messages"]] == seqs[-3:] and latest["has_more"] is True
    older = (
        await bob.get(
            f"/api/v1/channels/{cid}/messages", params={"limit": 3, "before": latest["before"]}
        )
    ).json()
    assert [m["seq"] for m in older["messages"]] == seqs[1:4] and older["has_more"] is True
    oldest = (
        await bob.get(
            f"/api/v1/channels/{cid}/messages", params={"limit": 3, "before": older["before"]}
        )
    ).json()
    assert [m["seq"] for m in oldest["messages"]] == seqs[:1] and oldest["has_more"] is False
    assert oldest["messages"][0]["reply_count"] == 1  # the reply is not on the page, only counted

    newer = (
        await bob.get(
            f"/api/v1/channels/{cid}/messages", params={"limit": 4, "after": oldest["after"]}
        )
    ).json()
    assert [m["seq"] for m in newer["messages"]] == seqs[1:5] and newer["has_more"] is True
    newest = (
        await bob.get(
            f"/api/v1/channels/{cid}/messages", params={"limit": 4, "after": newer["after"]}
        )
    ).json()
    assert [m["seq"] for m in newest["messages"]] == seqs[5:] and newest["has_more"] is False
    beyond = (
        await bob.get(f"/api/v1/channels/{cid}/messages", params={"after": newest["after"]})
    ).json()
    assert beyond["messages"] == [] and beyond["after"] == newest["after"]

    both = await bob.get(f"/api/v1/channels/{cid}/messages", params={"before": 5, "after": 1})
    assert both.status_code == 400 and code(both) == "validation_failed"
    too_big = await bob.get(f"/api/v1/channels/{cid}/messages", params={"limit": 201})
    assert too_big.status_code == 400 and code(too_big) == "validation_failed"


async def test_threads(
    bob: httpx.AsyncClient, carol: httpx.AsyncClient, world: Any, create_channel: Any
) -> None:
    channel = await create_channel(bob, "room", member_ids=[world.carol])
    root = (await post(bob, channel["id"], "root", "t0")).json()["message"]
    replies = [
        (await post(carol, channel["id"], f"reply {i}", f"t{i}", thread_root_id=root["id"])).json()[
            "message"
        ]
        for i in range(1, 4)
    ]
    assert all(r["thread_root_id"] == root["id"] for r in replies)
    thread = (await bob.get(f"/api/v1/messages/{root['id']}/replies", params={"limit": 2})).json()
    assert thread["root"]["id"] == root["id"] and thread["root"]["reply_count"] == 3
    assert [r["id"] for r in thread["replies"]] == [r["id"] for r in replies[:2]] and thread[
        "has_more"
    ] is True
    rest = (
        await bob.get(f"/api/v1/messages/{root['id']}/replies", params={"after": thread["after"]})
    ).json()
    assert [r["id"] for r in rest["replies"]] == [replies[2]["id"]] and rest["has_more"] is False
    via_reply = (await bob.get(f"/api/v1/messages/{replies[0]['id']}/replies")).json()
    assert via_reply["root"]["id"] == root["id"]
    nested = await post(bob, channel["id"], "deeper", "t9", thread_root_id=replies[0]["id"])
    assert nested.status_code == 400 and code(nested) == "validation_failed"


async def test_get_edit_delete(
    bob: httpx.AsyncClient,
    carol: httpx.AsyncClient,
    alice: httpx.AsyncClient,
    gina: httpx.AsyncClient,
    world: Any,
    create_channel: Any,
) -> None:
    channel = await create_channel(bob, "room", "private", member_ids=[world.carol])
    message = (await post(bob, channel["id"], "first draft", "e1")).json()["message"]
    mid = message["id"]
    got = await carol.get(f"/api/v1/messages/{mid}")
    assert got.status_code == 200 and got.json()["message"]["text"] == "first draft"
    for outsider in (alice, gina):  # not in the private channel
        hidden = await outsider.get(f"/api/v1/messages/{mid}")
        assert hidden.status_code == 404 and code(hidden) == "message_not_found"
    assert (await bob.get("/api/v1/messages/999999")).status_code == 404

    edited = await bob.patch(f"/api/v1/messages/{mid}", json={"text": "final"})
    assert edited.status_code == 200
    assert edited.json()["message"]["text"] == "final" and edited.json()["message"]["edited_at"]
    not_mine = await carol.patch(f"/api/v1/messages/{mid}", json={"text": "mine now"})
    assert not_mine.status_code == 403 and code(not_mine) == "forbidden"
    hidden_edit = await gina.patch(f"/api/v1/messages/{mid}", json={"text": "x"})
    assert hidden_edit.status_code == 404 and code(hidden_edit) == "message_not_found"
    too_long = await bob.patch(f"/api/v1/messages/{mid}", json={"text": "x" * 10_001})
    assert too_long.status_code == 413 and code(too_long) == "message_too_long"

    cannot = await carol.delete(f"/api/v1/messages/{mid}")
    assert cannot.status_code == 403 and code(cannot) == "forbidden"
    deleted = await bob.delete(f"/api/v1/messages/{mid}")
    assert deleted.status_code == 204
    tombstone = (await carol.get(f"/api/v1/messages/{mid}")).json()["message"]
    assert tombstone["deleted"] is True and tombstone["text"] == ""
    twice = await bob.delete(f"/api/v1/messages/{mid}")
    assert twice.status_code == 409 and code(twice) == "conflict"
    edit_deleted = await bob.patch(f"/api/v1/messages/{mid}", json={"text": "back"})
    assert edit_deleted.status_code == 409 and code(edit_deleted) == "conflict"

    # The channel owner may delete anyone's message.
    carols = (await post(carol, channel["id"], "oops", "e2")).json()["message"]
    assert (await bob.delete(f"/api/v1/messages/{carols['id']}")).status_code == 204


async def test_reactions(
    bob: httpx.AsyncClient,
    carol: httpx.AsyncClient,
    gina: httpx.AsyncClient,
    world: Any,
    create_channel: Any,
) -> None:
    channel = await create_channel(bob, "room", member_ids=[world.carol])
    mid = (await post(bob, channel["id"], "react to me", "x1")).json()["message"]["id"]
    assert (
        await carol.post(f"/api/v1/messages/{mid}/reactions", json={"emoji": "👍"})
    ).status_code == 204
    assert (
        await bob.post(f"/api/v1/messages/{mid}/reactions", json={"emoji": "👍"})
    ).status_code == 204
    assert (
        await bob.post(f"/api/v1/messages/{mid}/reactions", json={"emoji": "👍"})
    ).status_code == 204
    reactions = (await bob.get(f"/api/v1/messages/{mid}")).json()["message"]["reactions"]
    assert reactions == [{"emoji": "👍", "count": 2, "person_ids": [world.carol, world.bob]}]
    page = (await bob.get(f"/api/v1/channels/{channel['id']}/messages")).json()
    assert page["messages"][0]["reactions"][0]["count"] == 2

    assert (await carol.delete(f"/api/v1/messages/{mid}/reactions/👍")).status_code == 204
    assert (await carol.delete(f"/api/v1/messages/{mid}/reactions/👍")).status_code == 204
    reactions = (await bob.get(f"/api/v1/messages/{mid}")).json()["message"]["reactions"]
    assert reactions == [{"emoji": "👍", "count": 1, "person_ids": [world.bob]}]

    bad = await bob.post(f"/api/v1/messages/{mid}/reactions", json={"emoji": "two words"})
    assert bad.status_code == 400 and code(bad) == "validation_failed"
    hidden = await gina.post(f"/api/v1/messages/{mid}/reactions", json={"emoji": "👀"})
    assert hidden.status_code == 404 and code(hidden) == "message_not_found"
    await bob.delete(f"/api/v1/messages/{mid}")
    on_deleted = await carol.post(f"/api/v1/messages/{mid}/reactions", json={"emoji": "🎉"})
    assert on_deleted.status_code == 409 and code(on_deleted) == "conflict"
