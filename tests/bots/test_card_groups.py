"""Linked cards: a request's cards in a channel and in two direct messages, re-rendered
together per recipient in one transaction (`ctx.update_group`), through a real hub."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.bots.conftest import TestBot
from tests.support import Client, Seed, running_hub

BOTS = "tests.bots.groupbot:bot,tests.bots.groupbot:other"


@pytest.fixture
async def linked(seed: Seed, tmp_path: Path) -> AsyncIterator[TestBot]:
    async with running_hub(seed.url, tmp_path, bots=BOTS, bot_handler_timeout_seconds=2) as hub:
        driver = TestBot(hub, seed)
        try:
            yield driver
        finally:
            await driver.close()


async def post_request(linked: TestBot, key: str) -> list[dict[str, Any]]:
    answer = await linked.command(f"/request {key}")
    assert answer.status_code == 200, answer.text
    messages: list[dict[str, Any]] = answer.json()["messages"]
    return messages


async def title_and_version(linked: TestBot, message_id: int, reader: str) -> tuple[str, int]:
    view = await linked.card(message_id, as_=reader)
    return view["message"]["card"]["header"]["title"], view["message"]["card_version"]


async def waiting_for(linked: TestBot, username: str) -> int:
    response = await (await linked.as_(username)).get("/api/v1/me/inbox")
    assert response.status_code == 200, response.text
    total: int = response.json()["total"]
    return total


async def updates(client: Client, count: int) -> dict[int, dict[str, Any]]:
    """The next `count` card.updated frames, by message id."""
    seen: dict[int, dict[str, Any]] = {}
    while len(seen) < count:
        frame = await client.expect("card.updated")
        seen[frame["message"]["id"]] = frame["message"]
    return seen


async def test_a_group_updates_together_per_recipient_and_only_its_bots(linked: TestBot) -> None:
    channel_card, to_alice, to_carol = await post_request(linked, "leave-42")
    assert channel_card["channel_id"] == linked.channel("general")
    assert len({to_alice["channel_id"], to_carol["channel_id"], channel_card["channel_id"]}) == 3
    others = (await linked.command("/request2 leave-42")).json()["messages"]
    alice, carol = await linked.watch("alice"), await linked.watch("carol")
    assert await waiting_for(linked, "alice") == await waiting_for(linked, "carol") == 1

    # The render fails on the third card: nothing of the group changes, nothing is sent.
    failed = await linked.command("/decide leave-42 fail")
    assert failed.status_code == 502, failed.text
    assert failed.json()["error"]["code"] == "bot_failed"
    assert await title_and_version(linked, channel_card["id"], "bob") == ("Request", 1)
    assert await title_and_version(linked, to_alice["id"], "alice") == ("Request", 1)
    assert await title_and_version(linked, to_carol["id"], "carol") == ("Request", 1)
    assert await waiting_for(linked, "alice") == 1

    done = await linked.command("/decide leave-42")
    assert done.status_code == 200, done.text
    assert done.json()["replies"][0]["text"] == "3 of 3 cards updated"
    # Real clients see each card change once, at the next version: the failed try left no trace.
    seen_by_alice = await updates(alice, 2)
    assert seen_by_alice[to_alice["id"]]["card"]["header"]["title"] == "Decided for Alice 王"
    assert seen_by_alice[channel_card["id"]]["card"]["header"]["title"] == "Decided for channel"
    assert {m["card_version"] for m in seen_by_alice.values()} == {2}
    seen_by_carol = await updates(carol, 2)
    assert seen_by_carol[to_carol["id"]]["card"]["header"]["title"] == "Decided for Carol 陈"
    assert to_alice["id"] not in seen_by_carol  # alice's direct message is hers alone
    # The decided cards wait for no one: the inbox followed them.
    assert await waiting_for(linked, "alice") == await waiting_for(linked, "carol") == 0
    # The other bot's card under the same key is its own, untouched.
    assert await title_and_version(linked, others[0]["id"], "bob") == ("Other request", 1)


async def test_a_render_may_leave_a_card_and_a_click_updates_the_group(linked: TestBot) -> None:
    channel_card, to_alice, to_carol = await post_request(linked, "trip-7")
    kept = await linked.command("/decide trip-7 keep-channel")
    assert kept.json()["replies"][0]["text"] == "2 of 3 cards updated"
    assert await title_and_version(linked, channel_card["id"], "bob") == ("Request", 1)
    assert await title_and_version(linked, to_carol["id"], "carol") == ("Decided for Carol 陈", 2)

    bob = await linked.watch("bob")
    clicked = await linked.click(channel_card, "decide", as_="bob")
    assert clicked.status_code == 200, clicked.text
    # The clicked card is part of the group: the handler's update stands, sent once.
    assert clicked.json()["message"]["card"]["header"]["title"] == "Decided for channel"
    frame = await bob.expect("card.updated")
    assert frame["message"]["id"] == channel_card["id"]
    assert frame["message"]["card"]["header"]["title"] == "Decided for channel"
    assert await title_and_version(linked, to_alice["id"], "alice") == ("Decided for Alice 王", 3)


async def test_a_form_and_a_private_card_built_with_the_builders(linked: TestBot) -> None:
    asked = await linked.command("/ask")
    assert asked.status_code == 200, asked.text
    form = asked.json()["forms"][0]
    assert form["card"]["blocks"][0] == {
        "type": "input",
        "kind": "number",
        "name": "days",
        "label": "Days",
        "required": True,
        "min": 0.5,
    }
    sent = await (await linked.as_("bob")).post(
        f"/api/v1/forms/{form['form_id']}", json={"values": {"days": 2}}
    )
    assert sent.status_code == 200, sent.text
    assert sent.json()["replies"][0]["card"]["header"]["title"] == "2 days"
