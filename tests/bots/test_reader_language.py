"""Bots speak each reader's language: cards carry both, replies and errors are in the
recipient's, and so are /help and the answer to an unknown command (docs/bots.md)."""

from __future__ import annotations

from typing import Any

from tests.bots.conftest import TestBot


def both(zh: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh, "en": en}


async def speak_english(testbot: TestBot, username: str) -> None:
    changed = await (await testbot.as_(username)).patch("/api/v1/me", json={"locale": "en"})
    assert changed.status_code == 200, changed.text


def action(card: dict[str, Any], action_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(
        a
        for b in card["blocks"]
        if b["type"] == "actions"
        for a in b["actions"]
        if a["id"] == action_id
    )
    return found


async def test_help_and_unknown_commands_answer_in_the_persons_language(
    testbot: TestBot,
) -> None:
    await speak_english(testbot, "carol")
    english = await testbot.command("/help", as_="carol")
    assert english.json()["replies"][0]["text"].startswith("Commands you can use:")
    assert "Start a poll" in english.json()["replies"][0]["text"]
    chinese = await testbot.command("/help", as_="bob")
    assert chinese.json()["replies"][0]["text"].startswith("可用的命令：")
    assert "发起投票" in chinese.json()["replies"][0]["text"]

    unknown_en = await testbot.command("/pol Lunch", as_="carol")
    assert unknown_en.status_code == 404
    assert unknown_en.json()["error"]["message"] == (
        "There is no /pol command. Did you mean /poll? Type /help to list the commands."
    )
    unknown_zh = await testbot.command("/pol Lunch", as_="bob")
    assert unknown_zh.json()["error"]["code"] == "unknown_command"
    assert unknown_zh.json()["error"]["message"] == (
        "没有 /pol 这个命令。你是想用 /poll 吗？输入 /help 查看可用的命令。"
    )


async def test_bot_errors_and_private_replies_are_in_the_recipients_language(
    testbot: TestBot,
) -> None:
    await speak_english(testbot, "carol")
    refused_en = await testbot.command("/greet no", as_="carol")
    assert refused_en.status_code == 400
    assert refused_en.json()["error"]["message"] == "Not now."
    refused_zh = await testbot.command("/greet no", as_="bob")
    assert refused_zh.json()["error"]["message"] == "现在不行。"

    assert (await testbot.command("/greet", as_="carol")).json()["replies"][0]["text"] == "Hello"
    assert (await testbot.command("/greet", as_="bob")).json()["replies"][0]["text"] == "你好"
    # To someone else, in their language, not the sender's.
    carol_sees = await testbot.watch("carol")
    carol_id = testbot.seed.id("carol")
    sent = await testbot.command(f"/greet {carol_id}", as_="bob")
    assert sent.status_code == 200, sent.text
    reply = await carol_sees.expect("ephemeral")
    assert reply["text"] == "Hello"
