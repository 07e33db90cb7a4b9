"""The to-do inbox in a real browser against a real hub (issue 11): the badge counts the
cards waiting for me, the inbox lists them drawn as cards, acting on one from the inbox
clears it and the badge, and its channel's name opens the channel; on a phone the inbox is
one tap away from the channel's header. Screenshots go to var/screenshots/.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from tests.e2e.conftest import TIMEOUT, OpenPage, screenshot
from tests.e2e.test_accessibility import violations
from tests.e2e.test_chat import open_channel, send, wait_live
from tests.support import HubProcess, Seed, running_hub


@pytest.fixture
async def hub(seed: Seed, tmp_path: Path) -> AsyncIterator[HubProcess]:
    async with running_hub(seed.url, tmp_path, bots="tests.e2e.inboxbot:bot") as process:
        yield process


def entry(page: Any) -> Any:
    return page.get_by_test_id("inbox-entry")


async def test_the_inbox_lists_what_waits_for_me_and_acting_there_clears_it(
    open_page: OpenPage,
) -> None:
    bob = await open_page("bob")
    carol = await open_page("carol", phone=True)
    for page in (bob, carol):
        await wait_live(page)
    await open_channel(bob, "general")
    # Nothing waits yet: the entry is there, without a badge.
    await expect(entry(bob)).to_have_text("To-do")
    await expect(bob.get_by_test_id("inbox-badge")).to_have_count(0)

    await send(bob, "/todo bob carol")
    # Both are waited for: Bob's sidebar and Carol's phone header count it.
    await expect(bob.get_by_test_id("inbox-badge")).to_have_text("1", timeout=TIMEOUT)
    header_button = carol.get_by_test_id("header-inbox")
    await expect(header_button).to_be_visible()
    await expect(header_button.locator(".badge")).to_have_text("1", timeout=TIMEOUT)
    await expect(header_button).to_have_attribute("aria-label", "To-do, 1 waiting")

    # One tap on the phone opens the inbox, with the card drawn and its button there.
    await header_button.click()
    view = carol.get_by_test_id("inbox-view")
    await expect(view).to_be_visible()
    items = view.get_by_test_id("inbox-item")
    await expect(items).to_have_count(1, timeout=TIMEOUT)
    await expect(items.first.get_by_test_id("inbox-channel")).to_have_text("general")
    await expect(items.first).to_contain_text("Sign-off")
    card = items.first.get_by_test_id("card")
    await expect(card).to_contain_text("Budget sign-off")
    await expect(view.get_by_test_id("inbox-total")).to_have_text("1 waiting")
    await screenshot(carol, "phone-inbox")
    assert await violations(carol) == []

    # Acting from the inbox: the card no longer waits for Carol, so it leaves her inbox and
    # her badge, while Bob still has it.
    await card.get_by_role("button", name="Sign off").click()
    await expect(items).to_have_count(0, timeout=TIMEOUT)
    await expect(view.get_by_test_id("inbox-empty")).to_have_text("Nothing is waiting for you.")
    await expect(header_button.locator(".badge")).to_be_hidden()
    await expect(view.get_by_test_id("inbox-total")).to_have_text("0 waiting")
    await expect(bob.get_by_test_id("inbox-badge")).to_have_text("1")

    # On the desktop the sidebar's entry opens it in one click; the card shows Carol's
    # sign-off, and the channel's name goes back to the channel.
    await entry(bob).click()
    bob_view = bob.get_by_test_id("inbox-view")
    await expect(bob_view).to_be_visible()
    await expect(bob.locator(".channel-pane")).to_be_hidden()
    bob_item = bob_view.get_by_test_id("inbox-item")
    await expect(bob_item).to_have_count(1, timeout=TIMEOUT)
    await expect(bob_item.get_by_test_id("card")).to_contain_text("Signed: carol")
    await screenshot(bob, "desktop-inbox")
    assert await violations(bob) == []
    await bob_item.get_by_test_id("card").get_by_role("button", name="Sign off").click()
    await expect(bob_item).to_have_count(0, timeout=TIMEOUT)
    await expect(bob.get_by_test_id("inbox-badge")).to_have_count(0)
    await expect(entry(bob)).to_have_attribute("aria-current", "page")

    # The channel shows the finished card; its name in an inbox item opens it.
    await send_and_open(bob, carol)


async def send_and_open(bob: Any, carol: Any) -> None:
    """A new card for Carol: from her inbox, the channel's name opens #general with it."""
    await open_channel(bob, "general")
    await send(bob, "/todo carol")
    header_button = carol.get_by_test_id("header-inbox")
    view = carol.get_by_test_id("inbox-view")
    items = view.get_by_test_id("inbox-item")
    await expect(items).to_have_count(1, timeout=TIMEOUT)
    await expect(header_button.locator(".badge")).to_have_text("1", timeout=TIMEOUT)
    await items.first.get_by_test_id("inbox-channel").click()
    await expect(view).to_be_hidden()
    await expect(carol.locator("h1.channel-title")).to_contain_text("general")
    in_channel = carol.locator(".channel-pane").get_by_test_id("card")
    await expect(in_channel.filter(has_text="Waiting").last).to_be_visible()
