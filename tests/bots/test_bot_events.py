"""Bots hear reactions and people coming and going in their channels, and deactivations."""

from __future__ import annotations

from typing import Any

import orjson

from hub.bots.heard import heard_events
from hub.wire.server import LoggedEvent
from tests.bots.conftest import TestBot
from tests.support import wait_for


async def test_a_bot_hears_reactions_and_leaving_in_its_channel(testbot: TestBot) -> None:
    alice, carol = await testbot.as_("alice"), await testbot.as_("carol")
    general = testbot.channel("general")
    people = (await alice.get("/api/v1/people", params={"q": "sample"})).json()["people"]
    sample = next(p["id"] for p in people if p["username"] == "sample")
    added = await alice.post(f"/api/v1/channels/{general}/members", json={"person_ids": [sample]})
    assert added.status_code in (200, 201), added.text
    sent = await alice.post(
        f"/api/v1/channels/{general}/messages",
        json={"text": "订会议室 book the room", "client_msg_id": "r1"},
    )
    message_id = sent.json()["message"]["id"]
    for emoji in ("👍", "✅"):
        reacted = await carol.post(
            f"/api/v1/messages/{message_id}/reactions", json={"emoji": emoji}
        )
        assert reacted.status_code in (200, 201, 204), reacted.text
    left = await carol.post(f"/api/v1/channels/{general}/leave")
    assert left.status_code in (200, 204), left.text

    async def told() -> list[str] | None:
        texts = [m["text"] for m in await testbot.messages(as_="alice")]
        return texts if "carol left (left)" in texts else None

    texts = await wait_for(told, what="the bot's answers to the reaction and the leaving")
    assert "carol ticked “订会议室 book the room”" in texts
    assert not any("👍" in text for text in texts)


def test_a_deactivation_is_heard_once_and_bots_never_hear_themselves() -> None:
    def left(channel_id: int, person_id: int, reason: str) -> LoggedEvent:
        frame: dict[str, Any] = {
            "type": "member.left",
            "channel_id": channel_id,
            "seq": 1,
            "person_id": person_id,
            "by_id": None,
            "reason": reason,
        }
        return LoggedEvent(channel_id, 1, "member.left", orjson.dumps(frame).decode())

    heard = heard_events(
        [left(1, 7, "deactivated"), left(2, 7, "deactivated"), left(3, 9, "left")], {9}
    )
    assert [(h.name, h.channel_id, h.person_id) for h in heard] == [
        ("member.left", 1, 7),
        ("person.deactivated", None, 7),
        ("member.left", 2, 7),
    ]


async def test_a_message_shortcut_hands_the_message_to_its_bot(testbot: TestBot) -> None:
    alice, gina = await testbot.as_("alice"), await testbot.as_("gina")
    listed = (await gina.get("/api/v1/shortcuts", params={"locale": "zh-CN"})).json()
    assert {"bot": "sample", "name": "remember", "label": "记住这条"} in listed["shortcuts"]
    sent = await alice.post(
        f"/api/v1/channels/{testbot.channel('general')}/messages",
        json={"text": "周五前交报销单", "client_msg_id": "s1"},
    )
    message_id = sent.json()["message"]["id"]
    done = await alice.post(
        f"/api/v1/messages/{message_id}/shortcuts", json={"bot": "sample", "shortcut": "remember"}
    )
    assert done.status_code == 200, done.text
    assert done.json()["replies"][0]["text"] == "noted 已记下"
    (direct,) = done.json()["messages"]
    assert direct["text"] == "you asked me to remember: 周五前交报销单"
    # Someone who cannot read the message learns nothing; an unknown shortcut says what to do.
    hidden = await gina.post(
        f"/api/v1/messages/{message_id}/shortcuts", json={"bot": "sample", "shortcut": "remember"}
    )
    assert hidden.status_code == 404 and hidden.json()["error"]["code"] == "message_not_found"
    unknown = await alice.post(
        f"/api/v1/messages/{message_id}/shortcuts", json={"bot": "sample", "shortcut": "forget"}
    )
    assert (
        unknown.status_code == 404 and "GET /api/v1/shortcuts" in unknown.json()["error"]["message"]
    )
