"""More of the chat client in a real browser: history scrollback, the unread line and jump to
latest, editing and deleting, the quick switcher, drafts, mention and command autocomplete."""

from __future__ import annotations

from typing import Any

from playwright.async_api import expect

from hub.actions.messages import SendMessage
from hub.bus import EventBus
from hub.db import create_engine
from hub.writer import Writer
from tests.e2e.conftest import OpenPage
from tests.e2e.test_chat import TIMEOUT, channel_item, message, open_channel, send, wait_live
from tests.support import Seed, wait_for


async def post_many(seed: Seed, sender: str, channel: str, count: int, prefix: str) -> None:
    """Messages written straight through the writer, as history the page has not seen."""
    engine = create_engine(seed.url)
    writer = Writer(engine, EventBus())
    await writer.start()
    try:
        for i in range(count):
            await writer.submit(
                SendMessage(
                    seed.channels[channel], seed.people[sender], f"{prefix}{i:03d}", f"{prefix}{i}"
                )
            )
    finally:
        await writer.stop()
        await engine.dispose()


async def scroll_to_top(page: Any) -> None:
    await page.get_by_test_id("message-scroller").evaluate("el => { el.scrollTop = 0; }")


async def test_history_scrolls_back_to_the_beginning(seed: Seed, open_page: OpenPage) -> None:
    await post_many(seed, "carol", "general", 130, "old-")
    bob = await open_page("bob")
    await wait_live(bob)
    await open_channel(bob, "general")
    await expect(message(bob, "old-129")).to_be_visible(timeout=TIMEOUT)
    assert await message(bob, "old-000").count() == 0  # only the latest page at first

    async def at_the_beginning() -> bool:
        # Each scroll to the top asks for the page before, once the last one has come in.
        await scroll_to_top(bob)
        return bool(await message(bob, "old-000").count())

    await wait_for(at_the_beginning, what="the first message after scrolling back")
    await expect(message(bob, "old-000")).to_be_attached(timeout=TIMEOUT)
    await expect(bob.get_by_text("This is the beginning of the conversation.")).to_be_visible()
    texts = await bob.locator("[data-testid=message] .msg-text").all_inner_texts()
    olds = [text for text in texts if text.startswith("old-")]
    assert olds == [f"old-{i:03d}" for i in range(130)], "history out of order or doubled"


async def test_unread_line_and_jump_to_latest(seed: Seed, open_page: OpenPage) -> None:
    await post_many(seed, "carol", "general", 80, "early-")
    bob = await open_page("bob")
    await wait_live(bob)
    await open_channel(bob, "internal")
    carol = await open_page("carol")
    await wait_live(carol)
    await open_channel(carol, "general")
    for text in ("news one", "news two", "news three"):
        await send(carol, text)
    # Bob's page opened #general first (and read the early ones); the three are new.
    badge = channel_item(bob, "general").locator(".badge")
    await expect(badge).to_have_text("3", timeout=TIMEOUT)

    await open_channel(bob, "general")
    await expect(bob.get_by_test_id("unread-line")).to_be_visible(timeout=TIMEOUT)
    await expect(badge).to_have_count(0, timeout=TIMEOUT)  # read once the latest is in view

    # Scrolled up in history, a new message offers "Jump to latest" instead of yanking the view.
    await scroll_to_top(bob)
    await send(carol, "breaking news")
    jump = bob.get_by_role("button", name="Jump to latest")
    await expect(jump).to_be_visible(timeout=TIMEOUT)
    await jump.click()
    await expect(message(bob, "breaking news")).to_be_in_viewport(timeout=TIMEOUT)


async def test_edit_and_delete_your_own_message(open_page: OpenPage) -> None:
    bob = await open_page("bob")
    carol = await open_page("carol")
    for page in (bob, carol):
        await wait_live(page)
        await open_channel(page, "general")
    await send(bob, "a typo mesage")
    mine = message(bob, "a typo mesage")
    await expect(mine).to_be_visible(timeout=TIMEOUT)
    await expect(message(carol, "a typo mesage")).to_be_visible(timeout=TIMEOUT)
    # Carol may not edit Bob's message: no Edit button for her.
    await message(carol, "a typo mesage").hover()
    await expect(message(carol, "a typo mesage").get_by_role("button", name="Edit")).to_have_count(
        0
    )

    await mine.hover()
    await mine.get_by_role("button", name="Edit").click()
    editor = bob.get_by_role("textbox", name="Edit message")
    await editor.fill("a fixed message")
    await editor.press("Enter")
    await expect(message(carol, "a fixed message")).to_contain_text("(edited)", timeout=TIMEOUT)

    fixed = message(bob, "a fixed message")
    await fixed.hover()
    await fixed.get_by_role("button", name="Delete").click()
    confirm = bob.get_by_test_id("confirm-dialog")
    await expect(confirm).to_contain_text("Delete message?", timeout=TIMEOUT)
    # Cancel keeps it (the safe answer has the focus); asking again and confirming deletes.
    await expect(confirm.get_by_role("button", name="Cancel")).to_be_focused()
    await confirm.get_by_role("button", name="Cancel").click()
    await expect(confirm).to_be_hidden()
    await expect(message(carol, "a fixed message")).to_be_visible()
    await fixed.hover()
    await fixed.get_by_role("button", name="Delete").click()
    await bob.get_by_test_id("confirm-dialog").get_by_role("button", name="Delete").click()
    await expect(carol.get_by_text("This message was deleted.")).to_be_visible(timeout=TIMEOUT)
    await expect(message(carol, "a fixed message")).to_have_count(0)


async def test_quick_switcher_and_drafts(open_page: OpenPage) -> None:
    bob = await open_page("bob")
    await wait_live(bob)
    await open_channel(bob, "general")
    composer = bob.get_by_role("textbox", name="Message #general")
    await composer.fill("half a thought")

    await bob.keyboard.press("Control+k")
    switcher = bob.get_by_test_id("quick-switcher")
    await expect(switcher).to_be_visible(timeout=TIMEOUT)
    await bob.keyboard.type("intern")
    await bob.keyboard.press("Enter")
    await expect(bob.locator("h1.channel-title")).to_contain_text("internal", timeout=TIMEOUT)
    await expect(switcher).to_be_hidden()

    await open_channel(bob, "general")
    await expect(composer).to_have_value("half a thought")
    await bob.reload()
    await wait_live(bob)
    await open_channel(bob, "general")
    await expect(bob.get_by_role("textbox", name="Message #general")).to_have_value(
        "half a thought", timeout=TIMEOUT
    )


async def test_mention_and_command_autocomplete(open_page: OpenPage) -> None:
    bob = await open_page("bob")
    await wait_live(bob)
    await open_channel(bob, "general")
    composer = bob.get_by_role("textbox", name="Message #general")
    await composer.press_sequentially("hi @car")
    await expect(bob.get_by_role("option", name="Carol 陈")).to_be_visible(timeout=TIMEOUT)
    await composer.press("Enter")
    await expect(composer).to_have_value("hi @carol ")

    await composer.fill("")
    await composer.press_sequentially("/he")
    await expect(bob.get_by_role("option").filter(has_text="/help")).to_be_visible(timeout=TIMEOUT)
    await composer.press("Enter")  # picks /help
    await composer.press("Enter")  # runs it
    reply = bob.get_by_test_id("ephemeral")
    await expect(reply).to_contain_text("Only visible to you", timeout=TIMEOUT)
    await expect(reply).to_contain_text("/poll")
