"""Out of office in a real browser against a real hub (issue 11): Carol names Alice to act
for her from the settings menu; a card sent to Carol in a direct message then waits in
Alice's to-do list, marked as Carol's, on Alice's phone; Alice signs it there, for Carol,
and Carol's card shows whose sign-off it was and who gave it. Ending it takes the card
back. Screenshots go to var/screenshots/.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from tests.e2e.conftest import TIMEOUT, OpenPage, screenshot
from tests.e2e.test_accessibility import violations
from tests.e2e.test_chat import channel_item, open_channel, send, wait_live
from tests.support import HubProcess, Seed, running_hub


@pytest.fixture
async def hub(seed: Seed, tmp_path: Path) -> AsyncIterator[HubProcess]:
    async with running_hub(seed.url, tmp_path, bots="tests.e2e.inboxbot:bot") as process:
        yield process


async def name_delegate(page: Any, name: str) -> Any:
    await page.get_by_label("Settings", exact=True).click()
    await page.get_by_test_id("away-open").click()
    dialog = page.get_by_test_id("away-form")
    await expect(dialog).to_be_visible(timeout=TIMEOUT)
    await expect(dialog.get_by_test_id("away-current")).to_contain_text("Nobody acts for you.")
    await dialog.get_by_test_id("people-search").fill(name.split()[0].lower())
    await dialog.locator(".person-option", has_text=name).click()
    return dialog


async def test_a_delegate_signs_for_someone_away_from_their_phone(open_page: OpenPage) -> None:
    carol = await open_page("carol")
    alice = await open_page("alice", phone=True)
    bob = await open_page("bob")
    for page in (carol, alice, bob):
        await wait_live(page)

    dialog = await name_delegate(carol, "Alice 王")
    assert await violations(carol) == []
    await screenshot(carol, "away-dialog")
    await dialog.get_by_role("button", name="Save").click()
    await expect(dialog).to_be_hidden(timeout=TIMEOUT)

    await open_channel(bob, "general")
    await send(bob, "/todo_direct carol")

    # Alice's phone: the card waits in her to-do list, marked as Carol's.
    header_button = alice.get_by_test_id("header-inbox")
    await expect(header_button.locator(".badge")).to_have_text("1", timeout=TIMEOUT)
    await header_button.click()
    items = alice.get_by_test_id("inbox-view").get_by_test_id("inbox-item")
    await expect(items).to_have_count(1, timeout=TIMEOUT)
    await expect(items.first.get_by_test_id("inbox-for")).to_have_text("For Carol 陈, who is away")
    await screenshot(alice, "phone-inbox-away")
    assert await violations(alice) == []
    await items.first.get_by_role("button", name="Sign off").click()
    await expect(items).to_have_count(0, timeout=TIMEOUT)

    # Carol's own card says it is her sign-off, given by Alice.
    # The bot's direct conversation, started while she was looking, is named after the bot.
    await channel_item(carol, "Sign-off").click()
    card = carol.locator(".channel-pane").get_by_test_id("card").last
    await expect(card).to_contain_text("Signed: carol (by alice)", timeout=TIMEOUT)

    # Ended from the same dialog: the next card waits for Carol alone.
    await carol.get_by_label("Settings", exact=True).click()
    await carol.get_by_test_id("away-open").click()
    dialog = carol.get_by_test_id("away-form")
    await expect(dialog.get_by_test_id("away-delegate")).to_contain_text("Alice 王 acts for you")
    await dialog.get_by_test_id("away-end").click()
    await expect(dialog.get_by_test_id("away-current")).to_contain_text("Nobody acts for you.")
    await dialog.get_by_role("button", name="Cancel").click()
    await send(bob, "/todo_direct carol")
    await expect(carol.get_by_test_id("inbox-badge")).to_have_text("1", timeout=TIMEOUT)
    await expect(header_button.locator(".badge")).to_be_hidden()
