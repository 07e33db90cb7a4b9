"""The poll bot: a card with a button per option, live counts, one changeable vote each, Close for its creator.

Written with hub.testing, the kit bot packages outside this repository use.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from hub.testing import Harness
from tests.support import Client


@pytest.fixture
def hub_bots() -> list[str]:
    return ["poll"]


def counts(card: dict[str, Any], locale: str = "zh-CN") -> str:
    text: str = card["blocks"][0]["text"][locale]
    return text


async def start(harness: Harness) -> dict[str, Any]:
    answer = await harness.command('/poll "Where do we eat? 吃什么？" Noodles Dumplings Hotpot')
    assert answer.status_code == 200, answer.body
    return answer.messages[0]


async def test_poll_votes_live_one_per_person(harness: Harness) -> None:
    poll = await start(harness)
    card = poll["card"]
    assert card["header"]["title"] == "Where do we eat? 吃什么？"
    assert [a["label"] for a in card["blocks"][2]["actions"]] == ["Noodles", "Dumplings", "Hotpot"]
    carol_sees = await Client.connect(harness.ws_url, await harness.ws_ticket("carol"))

    voted = await harness.click(poll, "vote_0", as_="bob")
    assert voted.status_code == 200, voted.body
    poll = voted.message
    assert "1 票 (100%)" in counts(poll["card"])
    # The fallback (mail, notifications) reads in the poll's language and has the counts.
    assert poll["card"]["fallback"].splitlines()[:2] == [
        "📊 Where do we eat? 吃什么？ (进行中)",
        "Noodles: 1 票",
    ]
    assert poll["text"] == poll["card"]["fallback"]
    update = await carol_sees.expect("card.updated")
    await carol_sees.close()
    assert update["message"]["card_version"] == poll["card_version"] == 2

    poll = (await harness.click(poll, "vote_1", as_="carol")).message
    # bob changes his mind: still one vote for him.
    poll = (await harness.click(poll, "vote_1", as_="bob")).message
    text = counts(poll["card"])
    assert "**Noodles**  \n`░░░░░░░░░░` 0 票" in text
    assert "**Dumplings**  \n`██████████` 2 票 (100%)" in text
    async with harness.database.connect() as conn:
        votes = await conn.execute(sa.text("SELECT count(*) FROM poll_vote"))
        assert votes.scalar_one() == 2
    assert "2 人已投票" in poll["card"]["blocks"][1]["text"]["zh-CN"]
    assert "2 voted" in poll["card"]["blocks"][1]["text"]["en"]


async def test_only_the_creator_closes_and_then_voting_ends(harness: Harness) -> None:
    poll = await start(harness)
    assert "close" not in (await harness.card(poll["id"], as_="carol"))["actions"]
    refused = await harness.click(poll, "close", as_="carol")
    assert refused.status_code == 403
    closed = await harness.click(poll, "close", as_="bob")
    assert closed.status_code == 200
    poll = closed.message
    assert poll["card"]["status"]["label"] == {"zh-CN": "已结束", "en": "Closed"}
    assert all(block["type"] != "actions" for block in poll["card"]["blocks"])
    late = await harness.click(poll, "vote_0", as_="carol")
    assert late.status_code == 404  # the closed card offers no vote


async def test_poll_usage_errors(harness: Harness) -> None:
    too_few = await harness.command('/poll "Lunch?" Noodles')
    assert too_few.status_code == 400 and "/poll" in too_few.error["message"]
    same = await harness.command("/poll Lunch? Noodles Noodles")
    assert same.status_code == 400
    # Chinese quotes group words like straight ones.
    chinese = await harness.command("/poll “今天 吃 什么” 面条 饺子")
    assert chinese.status_code == 200
    assert chinese.messages[0]["card"]["header"]["title"] == "今天 吃 什么"


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


async def test_a_poll_by_a_chinese_reader_carries_english_too(harness: Harness) -> None:
    # bob reads zh-CN; carol reads English. Both see the one card in their language.
    assert harness.person("carol").locale == "en"
    started = await harness.command('/poll "Lunch?" Noodles Dumplings')
    poll = started.messages[0]
    poll = (await harness.click(poll, "vote_0", as_="carol")).message
    card = poll["card"]
    assert card["schema"] == 3  # built with hub.botkit, which writes the current schema
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
    closed = (await harness.click(poll, "close", as_="bob")).message["card"]
    assert closed["status"]["label"] == both("已结束", "Closed")
