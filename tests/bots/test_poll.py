"""The poll bot: a card with a button per option, live counts, one changeable vote each, Close for its creator."""

from __future__ import annotations

from typing import Any

from tests.bots.conftest import TestBot
from tests.support import count_rows


def counts(card: dict[str, Any], locale: str = "zh-CN") -> str:
    text: str = card["blocks"][0]["text"][locale]
    return text


async def start(testbot: TestBot) -> dict[str, Any]:
    answer = await testbot.command('/poll "Where do we eat? 吃什么？" Noodles Dumplings Hotpot')
    assert answer.status_code == 200, answer.text
    poll: dict[str, Any] = answer.json()["messages"][0]
    return poll


async def test_poll_votes_live_one_per_person(testbot: TestBot) -> None:
    poll = await start(testbot)
    card = poll["card"]
    assert card["header"]["title"] == "Where do we eat? 吃什么？"
    assert [a["label"] for a in card["blocks"][2]["actions"]] == ["Noodles", "Dumplings", "Hotpot"]
    carol_sees = await testbot.watch("carol")

    voted = await testbot.click(poll, "vote_0", as_="bob")
    assert voted.status_code == 200, voted.text
    poll = voted.json()["message"]
    assert "1 票 (100%)" in counts(poll["card"])
    # The fallback (mail, notifications) reads in the poll's language and has the counts.
    assert poll["card"]["fallback"].splitlines()[:2] == [
        "📊 Where do we eat? 吃什么？ (进行中)",
        "Noodles: 1 票",
    ]
    assert poll["text"] == poll["card"]["fallback"]
    update = await carol_sees.expect("card.updated")
    assert update["message"]["card_version"] == poll["card_version"] == 2

    poll = (await testbot.click(poll, "vote_1", as_="carol")).json()["message"]
    # bob changes his mind: still one vote for him.
    poll = (await testbot.click(poll, "vote_1", as_="bob")).json()["message"]
    text = counts(poll["card"])
    assert "**Noodles**  \n`░░░░░░░░░░` 0 票" in text
    assert "**Dumplings**  \n`██████████` 2 票 (100%)" in text
    assert await count_rows(testbot.seed.url, "poll_vote") == 2
    assert "2 人已投票" in poll["card"]["blocks"][1]["text"]["zh-CN"]
    assert "2 voted" in poll["card"]["blocks"][1]["text"]["en"]


async def test_only_the_creator_closes_and_then_voting_ends(testbot: TestBot) -> None:
    poll = await start(testbot)
    assert "close" not in (await testbot.card(poll["id"], as_="carol"))["actions"]
    refused = await testbot.click(poll, "close", as_="carol")
    assert refused.status_code == 403
    closed = await testbot.click(poll, "close", as_="bob")
    assert closed.status_code == 200
    poll = closed.json()["message"]
    assert poll["card"]["status"]["label"] == {"zh-CN": "已结束", "en": "Closed"}
    assert all(block["type"] != "actions" for block in poll["card"]["blocks"])
    late = await testbot.click(poll, "vote_0", as_="carol")
    assert late.status_code == 404  # the closed card offers no vote


async def test_poll_usage_errors(testbot: TestBot) -> None:
    too_few = await testbot.command('/poll "Lunch?" Noodles')
    assert too_few.status_code == 400 and "/poll" in too_few.json()["error"]["message"]
    same = await testbot.command("/poll Lunch? Noodles Noodles")
    assert same.status_code == 400
    # Chinese quotes group words like straight ones.
    chinese = await testbot.command("/poll “今天 吃 什么” 面条 饺子")
    assert chinese.status_code == 200
    assert chinese.json()["messages"][0]["card"]["header"]["title"] == "今天 吃 什么"


def both(zh: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh, "en": en}


def action(card: dict[str, Any], action_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(
        a
        for b in card["blocks"]
        if b["type"] == "actions"
        for a in b["actions"]
        if a["id"] == action_id
    )
    return found


async def test_a_poll_by_a_chinese_reader_carries_english_too(testbot: TestBot) -> None:
    # bob reads zh-CN; carol reads English. Both see the one card in their language.
    changed = await (await testbot.as_("carol")).patch("/api/v1/me", json={"locale": "en"})
    assert changed.status_code == 200
    started = await testbot.command('/poll "Lunch?" Noodles Dumplings')
    poll = started.json()["messages"][0]
    poll = (await testbot.click(poll, "vote_0", as_="carol")).json()["message"]
    card = poll["card"]
    assert card["schema"] == 2
    assert card["status"]["label"] == both("进行中", "Open")
    votes = card["blocks"][0]["text"]
    assert "1 票 (100%)" in votes["zh-CN"] and "1 vote (100%)" in votes["en"]
    context = card["blocks"][1]["text"]
    assert context["zh-CN"].startswith("发起人 ") and context["en"].startswith("Poll by ")
    assert context["en"].endswith("1 voted")
    close = action(card, "close")
    assert close["label"] == both("结束投票", "Close poll")
    confirm = close["confirm"]
    assert confirm["title"] == both("结束投票", "Close poll")
    assert confirm["text"]["en"] == "Close this poll? No one can vote after."
    assert confirm["ok"] == both("结束投票", "Close poll")
    assert confirm["cancel"] == both("取消", "Cancel")
    # The stored text (mail, notifications, search) is one language: the org default.
    assert poll["text"] == card["fallback"]
    assert card["fallback"].startswith("📊 Lunch? (进行中)\nNoodles: 1 票")
    closed = (await testbot.click(poll, "close", as_="bob")).json()["message"]["card"]
    assert closed["status"]["label"] == both("已结束", "Closed")
