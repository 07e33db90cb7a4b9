"""The shared to-do inbox: cards that name whom they await land in those people's inboxes,
across channels, as the card changes; only where they may still read (docs/api.md)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.conftest import OpenApiRecorder
from tests.bots import conftest as bots_conftest
from tests.bots.conftest import TestBot

testbot = bots_conftest.testbot  # the bots' fixture: the sample bot in a real hub


async def inbox(
    testbot: TestBot, recorder: OpenApiRecorder, username: str, **params: Any
) -> dict[str, Any]:
    response = await (await testbot.as_(username)).get("/api/v1/me/inbox", params=params)
    await recorder(response)  # checked against /openapi.json
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def ids(page: dict[str, Any]) -> list[int]:
    return [item["message"]["id"] for item in page["items"]]


async def post_todo(testbot: TestBot, *people: str, channel: str = "general") -> dict[str, Any]:
    answer = await testbot.command(f"/todo {' '.join(people)}", channel=channel)
    assert answer.status_code == 200, answer.text
    message: dict[str, Any] = answer.json()["messages"][0]
    return message


async def test_a_card_is_in_the_inbox_of_each_person_it_awaits_until_it_no_longer_does(
    testbot: TestBot, recorder: OpenApiRecorder
) -> None:
    alice, bob = testbot.seed.id("alice"), testbot.seed.id("bob")
    card = await post_todo(testbot, "alice", "bob")
    assert card["card"]["awaiting"] == [alice, bob]
    bot_id = str(card["sender_id"])

    for who in ("alice", "bob"):
        page = await inbox(testbot, recorder, who)
        assert ids(page) == [card["id"]]
        item = page["items"][0]
        assert item["channel_id"] == testbot.channel("general")
        assert item["channel_name"] == "general"
        assert item["bot_id"] == card["sender_id"]
        assert item["message"]["card"]["header"]["title"] == "To do 待办"
        assert (page["total"], page["counts"]) == (1, {bot_id: 1})
    assert await inbox(testbot, recorder, "carol") == {
        "items": [],
        "total": 0,
        "counts": {},
        "has_more": False,
        "next_before": None,
    }

    # Alice is done: the card now awaits only bob.
    watcher = await testbot.watch("alice")
    clicked = await testbot.click(card, "done", as_="alice")
    assert clicked.status_code == 200, clicked.text
    assert await watcher.expect("inbox.updated") == {
        "type": "inbox.updated",
        "total": 0,
        "counts": {},
    }
    assert ids(await inbox(testbot, recorder, "alice")) == []
    assert ids(await inbox(testbot, recorder, "bob")) == [card["id"]]
    assert (await testbot.card(card["id"]))["message"]["card"]["awaiting"] == [bob]

    # Deleted (alice is an admin): it waits for no one.
    bobs = await testbot.watch("bob")
    deleted = await (await testbot.as_("alice")).delete(f"/api/v1/messages/{card['id']}")
    assert deleted.status_code == 204, deleted.text
    assert (await bobs.expect("inbox.updated"))["total"] == 0
    assert (await inbox(testbot, recorder, "bob"))["total"] == 0


async def test_counts_pages_and_newest_first(testbot: TestBot, recorder: OpenApiRecorder) -> None:
    cards = [await post_todo(testbot, "carol") for _ in range(3)]
    bot_id = str(cards[0]["sender_id"])
    page = await inbox(testbot, recorder, "carol", limit=2)
    assert ids(page) == [cards[2]["id"], cards[1]["id"]]
    assert (page["total"], page["counts"], page["has_more"]) == (3, {bot_id: 3}, True)
    rest = await inbox(testbot, recorder, "carol", limit=2, before=page["next_before"])
    assert ids(rest) == [cards[0]["id"]]
    assert rest["has_more"] is False


async def test_only_people_who_may_read_the_channel_see_its_cards(
    testbot: TestBot, recorder: OpenApiRecorder
) -> None:
    # gina (a guest) is not in #general; carol is not in the private #internal.
    await post_todo(testbot, "gina", "carol", channel="general")
    await post_todo(testbot, "carol", "bob", channel="internal")
    shared = await post_todo(testbot, "gina", channel="shared")
    assert ids(await inbox(testbot, recorder, "gina")) == [shared["id"]]
    assert (await inbox(testbot, recorder, "carol"))["total"] == 1  # #general's only
    assert (await inbox(testbot, recorder, "bob"))["total"] == 1

    # Bob leaves #internal: what waits for him there is no longer his to see.
    left = await (await testbot.as_("bob")).post(
        f"/api/v1/channels/{testbot.channel('internal')}/leave"
    )
    assert left.status_code in (200, 204), left.text
    assert (await inbox(testbot, recorder, "bob"))["total"] == 0


async def test_a_card_awaiting_someone_unknown_is_refused_and_nothing_is_posted(
    testbot: TestBot, recorder: OpenApiRecorder
) -> None:
    before = await testbot.messages()
    answer = await testbot.command(f"/todo carol {2**31 - 1}")
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] == "card_invalid"
    assert "does not exist" in answer.json()["error"]["message"]
    assert await testbot.messages() == before
    assert (await inbox(testbot, recorder, "carol"))["total"] == 0


async def test_an_external_bot_s_cards_count_apart_and_its_updates_move_the_inbox(
    testbot: TestBot, recorder: OpenApiRecorder
) -> None:
    """The same through the writer (a bot token over HTTP), beside the sample bot's card."""
    admin = await testbot.as_("alice")
    made = await admin.post("/api/v1/bots", json={"name": "ext", "display_name": "External"})
    assert made.status_code == 201, made.text
    ext_id = made.json()["id"]
    token = (await admin.post(f"/api/v1/bots/{ext_id}/tokens")).json()["token"]
    general = testbot.channel("general")
    added = await admin.post(f"/api/v1/channels/{general}/members", json={"person_ids": [ext_id]})
    assert added.status_code < 300, added.text
    carol, bob = testbot.seed.id("carol"), testbot.seed.id("bob")
    ours = await post_todo(testbot, "carol")

    async with httpx.AsyncClient(
        base_url=testbot.hub.base, headers={"Authorization": f"Bearer {token}"}
    ) as ext:
        card = {"schema": 1, "header": {"title": "Sign 签字"}, "awaiting": [carol]}
        posted = await ext.post(
            f"/api/v1/channels/{general}/messages",
            json={"text": "", "client_msg_id": "ext-1", "card": card},
        )
        assert posted.status_code in (200, 201), posted.text
        message_id = posted.json()["message"]["id"]
        page = await inbox(testbot, recorder, "carol")
        assert ids(page) == [message_id, ours["id"]]
        assert page["counts"] == {str(ours["sender_id"]): 1, str(ext_id): 1}
        assert page["total"] == 2

        carols = await testbot.watch("carol")
        moved = await ext.put(
            f"/api/v1/messages/{message_id}/card", json={"card": {**card, "awaiting": [bob]}}
        )
        assert moved.status_code == 200, moved.text
        assert (await carols.expect("inbox.updated"))["counts"] == {str(ours["sender_id"]): 1}
        assert ids(await inbox(testbot, recorder, "carol")) == [ours["id"]]
        assert ids(await inbox(testbot, recorder, "bob")) == [message_id]

        unknown = await ext.post(
            f"/api/v1/channels/{general}/messages",
            json={"text": "", "client_msg_id": "ext-2", "card": {**card, "awaiting": [2**31 - 1]}},
        )
        assert unknown.status_code == 422, unknown.text
        assert unknown.json()["error"]["code"] == "card_invalid"
