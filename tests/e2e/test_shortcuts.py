"""A bot's message shortcut in the message menu, in the reader's language, desktop and phone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from tests.e2e.conftest import TIMEOUT, OpenPage
from tests.e2e.test_chat import open_channel, send, wait_live
from tests.support import HubProcess, Seed, running_hub


@pytest.fixture
async def hub(seed: Seed, tmp_path: Path) -> AsyncIterator[HubProcess]:
    async with running_hub(seed.url, tmp_path, bots="tests.bots.samplebot:bot") as process:
        yield process


async def run_shortcut(page: Any, text: str, more: str, label: str) -> None:
    message = page.get_by_test_id("message").filter(has_text=text).last
    await expect(message).to_be_visible(timeout=TIMEOUT)
    await message.hover()
    await message.get_by_role("button", name=more).click()
    item = message.get_by_role("menuitem", name=label)
    await expect(item).to_be_visible(timeout=TIMEOUT)
    await item.click()


async def test_a_shortcut_from_the_message_menu_reaches_its_bot(open_page: OpenPage) -> None:
    bob = await open_page("bob")
    await wait_live(bob)
    await open_channel(bob, "general")
    await send(bob, "周五前交报销单 expenses by Friday")
    await run_shortcut(bob, "expenses by Friday", "More actions", "Remember this")
    await expect(bob.get_by_test_id("ephemeral")).to_contain_text("noted 已记下", timeout=TIMEOUT)

    carol = await open_page("carol", phone=True, locale="zh-CN")
    await wait_live(carol)  # a phone opens on the last channel, general, without the sidebar
    await run_shortcut(carol, "expenses by Friday", "更多操作", "记住这条")
    await expect(carol.get_by_test_id("ephemeral")).to_contain_text("noted 已记下", timeout=TIMEOUT)
