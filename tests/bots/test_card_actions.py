"""Card actions through the real runtime: who may act, stale versions, double clicks, races."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.bots.conftest import TestBot
from tests.support import count_rows


def code(response: Any) -> str:
    value: str = response.json()["error"]["code"]
    return value


async def post_expense(testbot: TestBot, *approvers: str) -> dict[str, Any]:
    ids = " ".join(str(testbot.seed.id(name)) for name in approvers)
    answer = await testbot.command(f"/expense {ids}", as_="alice")
    assert answer.status_code == 200, answer.text
    card: dict[str, Any] = answer.json()["messages"][0]
    assert card["card_version"] == 1
    return card


async def test_people_see_and_take_only_their_actions(testbot: TestBot) -> None:
    card = await post_expense(testbot, "bob")
    assert (await testbot.card(card["id"], as_="bob"))["actions"] == [
        "approve",
        "reject",
        "unhandled",
    ]
    assert (await testbot.card(card["id"], as_="carol"))["actions"] == ["unhandled"]
    refused = await testbot.click(card, "approve", as_="carol")
    assert refused.status_code == 403 and code(refused) == "forbidden"
    hidden = await testbot.click(card, "approve", as_="gina")
    assert hidden.status_code == 404  # a guest outside the channel learns nothing
    unknown = await testbot.click(card, "no_such_action", as_="bob")
    assert unknown.status_code == 404 and code(unknown) == "unknown_action"
    unhandled = await testbot.click(card, "unhandled", as_="carol")
    assert unhandled.status_code == 404 and code(unhandled) == "unknown_action"
    assert "write @bot.action('unhandled')" in testbot.hub.log_path.read_text()
    assert (await testbot.card(card["id"]))["message"]["card_version"] == 1


async def test_an_action_changes_the_card_in_place_for_everyone(testbot: TestBot) -> None:
    card = await post_expense(testbot, "bob")
    carol = await testbot.watch("carol")
    done = await testbot.click(card, "approve", as_="bob", values={"comment": "ok 好"})
    assert done.status_code == 200, done.text
    after = done.json()["message"]
    assert after["card_version"] == 2 and after["card"]["status"]["label"] == "approved"
    assert after["text"] == after["card"]["fallback"]
    seen = await carol.expect("card.updated")
    assert seen["message"]["id"] == card["id"] and seen["message"]["card_version"] == 2
    assert seen["by_id"] == testbot.seed.id("bob") and seen["action_id"] == "approve"
    texts = [m["text"] for m in await testbot.messages()]
    assert "approved by bob: ok 好" in texts
    # The change is in the channel log: a client resuming from before it gets it again.
    replay = await testbot.watch("carol")
    await replay.sync({testbot.channel("general"): card["seq"]})
    assert any(f["type"] == "card.updated" for f in replay.replayed)


async def test_stale_versions_are_refused_with_the_current_card(testbot: TestBot) -> None:
    card = await post_expense(testbot, "bob", "carol")
    assert (await testbot.click(card, "reject", as_="carol")).status_code == 200
    late = await testbot.click(card, "approve", as_="bob")
    assert late.status_code == 409 and code(late) == "card_stale"
    current = late.json()["error"]["details"]["message"]
    assert current["card_version"] == 2 and current["card"]["status"]["label"] == "rejected"


async def test_a_double_click_records_one_action(testbot: TestBot) -> None:
    card = await post_expense(testbot, "bob")
    first, second = await asyncio.gather(
        testbot.click(card, "approve", as_="bob"), testbot.click(card, "approve", as_="bob")
    )
    assert {first.status_code, second.status_code} == {200}
    assert sorted([first.json()["duplicate"], second.json()["duplicate"]]) == [False, True]
    again = await testbot.click(card, "approve", as_="bob")
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert await count_rows(testbot.seed.url, "card_action", "message_id = :m", m=card["id"]) == 1
    texts = [m["text"] for m in await testbot.messages()]
    assert texts.count("approved by bob: ") == 1


async def test_two_approvers_at_once_exactly_one_wins(testbot: TestBot) -> None:
    """An or-sign: bob and carol click at the same moment, on ten cards. One wins each."""
    cards = [await post_expense(testbot, "bob", "carol") for _ in range(10)]
    results = await asyncio.gather(
        *[
            click
            for card in cards
            for click in (
                testbot.click(card, "approve", as_="bob"),
                testbot.click(card, "reject", as_="carol"),
            )
        ]
    )
    for index, card in enumerate(cards):
        pair = results[2 * index : 2 * index + 2]
        assert sorted(r.status_code for r in pair) == [200, 409], [r.text for r in pair]
        assert code(next(r for r in pair if r.status_code == 409)) == "card_stale"
        rows = await count_rows(testbot.seed.url, "card_action", "message_id = :m", m=card["id"])
        assert rows == 1
        assert (await testbot.card(card["id"]))["message"]["card_version"] == 2


async def test_a_failing_action_handler_changes_nothing(testbot: TestBot) -> None:
    card = await post_expense(testbot, "bob")
    failed = await testbot.click(card, "approve", as_="bob", values={"comment": "fail"})
    assert failed.status_code == 502 and code(failed) == "bot_failed"
    assert (await testbot.card(card["id"]))["message"]["card_version"] == 1
    assert await count_rows(testbot.seed.url, "card_action", "message_id = :m", m=card["id"]) == 0
    # The card still works.
    assert (await testbot.click(card, "approve", as_="bob")).status_code == 200


async def test_values_are_checked_against_the_card_inputs(testbot: TestBot) -> None:
    card = await post_expense(testbot, "bob")
    wrong = await testbot.click(card, "approve", as_="bob", values={"comment": 5})
    assert wrong.status_code == 400 and code(wrong) == "validation_failed"
    extra = await testbot.click(card, "approve", as_="bob", values={"amount": "1"})
    assert extra.status_code == 400
    assert (await testbot.card(card["id"]))["message"]["card_version"] == 1


async def test_card_actions_over_the_websocket(testbot: TestBot) -> None:
    card = await post_expense(testbot, "bob", "carol")
    bob = await testbot.watch("bob")
    await bob.send(
        {
            "type": "card_action",
            "ref": "c1",
            "message_id": card["id"],
            "version": 1,
            "action_id": "approve",
            "values": {"comment": "ws"},
        }
    )
    # The change (from the channel log) and the ack may come in either order.
    frames = [await bob.expect_any(("ack", "card.updated")) for _ in range(2)]
    ack = next(f for f in frames if f["type"] == "ack")
    updated = next(f for f in frames if f["type"] == "card.updated")
    assert ack["ref"] == "c1" and ack["message_id"] == card["id"] and ack["duplicate"] is False
    assert updated["message"]["card_version"] == 2
    carol = await testbot.watch("carol")
    await carol.send(
        {
            "type": "card_action",
            "ref": "c2",
            "message_id": card["id"],
            "version": 1,
            "action_id": "reject",
        }
    )
    stale = await carol.expect("error", ref="c2")
    assert stale["code"] == "card_stale" and stale["details"]["message"]["card_version"] == 2
    await bob.send(
        {"type": "command", "ref": "c3", "channel_id": testbot.channel("general"), "text": "/nope"}
    )
    unknown = await bob.expect("error", ref="c3")
    assert unknown["code"] == "unknown_command"


async def test_a_handler_that_updates_its_card_itself_keeps_that_update(testbot: TestBot) -> None:
    posted = await testbot.command("/counter", as_="alice")
    card = posted.json()["messages"][0]
    carol = await testbot.watch("carol")
    done = await testbot.click(card, "bump", as_="bob")
    assert done.status_code == 200, done.text
    assert done.json()["message"]["card"]["header"]["title"] == "Count 1"
    assert (await testbot.card(card["id"]))["message"]["card"]["header"]["title"] == "Count 1"
    again = await testbot.click(done.json()["message"], "bump", as_="bob")
    assert again.json()["message"]["card"]["header"]["title"] == "Count 2"
    # One change per click, one event each: never the old card again at the same version.
    seen = [await carol.expect("card.updated")]
    while seen[-1]["message"]["card"]["header"]["title"] != "Count 2":
        seen.append(await carol.expect("card.updated"))
    assert [f["message"]["card"]["header"]["title"] for f in seen] == ["Count 1", "Count 2"]


async def test_a_cards_history_says_who_did_what_with_which_values(testbot: TestBot) -> None:
    card = await post_expense(testbot, "bob")
    done = await testbot.click(card, "approve", as_="bob", values={"comment": "同意 ok"})
    assert done.status_code == 200, done.text
    carol = await testbot.as_("carol")
    history = await carol.get(f"/api/v1/messages/{card['id']}/card/actions")
    assert history.status_code == 200, history.text
    (action,) = history.json()["actions"]
    assert action["version"] == 1 and action["action_id"] == "approve"
    assert action["person_id"] == testbot.seed.id("bob")
    assert action["values"] == {"comment": "同意 ok"} and action["at"]
    gina = await testbot.as_("gina")
    assert (await gina.get(f"/api/v1/messages/{card['id']}/card/actions")).status_code == 404
    # The bot reads the same trail with ctx.card_actions.
    told = await testbot.command(f"/history {card['id']}", as_="alice")
    bob_id = testbot.seed.id("bob")
    assert told.json()["replies"][0]["text"] == f"v1 approve by {bob_id} {{'comment': '同意 ok'}}"
