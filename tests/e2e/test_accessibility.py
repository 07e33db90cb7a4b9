"""axe-core finds no accessibility violations on the main screens: labels, roles, contrast, focus
order; on desktop and phone, in English and Chinese, with a thread and a dialog open."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.async_playwright import Axe
from playwright.async_api import expect

from tests.e2e.conftest import OpenPage
from tests.e2e.test_chat import TIMEOUT, open_channel, send, wait_live

axe = Axe()


async def violations(page: Any) -> list[str]:
    results = await axe.run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


async def test_sign_in_page_is_accessible(open_page: OpenPage) -> None:
    page = await open_page(None)
    await expect(page.get_by_test_id("sign-in-form")).to_be_visible(timeout=TIMEOUT)
    assert await violations(page) == []


async def test_chat_screens_are_accessible(open_page: OpenPage) -> None:
    page = await open_page("bob")
    await wait_live(page)
    await open_channel(page, "general")
    await send(page, "Hello @carol and **everyone**, see https://example.com")
    await expect(page.locator("[data-testid=message]", has_text="Hello")).to_be_visible(
        timeout=TIMEOUT
    )
    found = await violations(page)
    assert found == [], "\n".join(found)

    root = page.locator("[data-testid=message]", has_text="Hello")
    await root.hover()
    await root.get_by_role("button", name="Reply in thread").click()
    await expect(page.get_by_role("complementary", name="Thread")).to_be_visible()
    found = await violations(page)
    assert found == [], "\n".join(found)

    await page.get_by_role("button", name="Create a channel").click()
    await expect(page.get_by_role("dialog")).to_be_visible(timeout=TIMEOUT)
    found = await violations(page)
    assert found == [], "\n".join(found)
    await page.keyboard.press("Escape")
    await page.keyboard.press("Control+k")
    await expect(page.get_by_role("dialog")).to_be_visible(timeout=TIMEOUT)
    found = await violations(page)
    assert found == [], "\n".join(found)
    await page.keyboard.press("Escape")
    in_channel = page.get_by_test_id("message-scroller").locator(
        "[data-testid=message]", has_text="Hello"
    )
    await in_channel.hover()
    await in_channel.get_by_role("button", name="Delete").click()
    await expect(page.get_by_test_id("confirm-dialog")).to_be_visible(timeout=TIMEOUT)
    found = await violations(page)
    assert found == [], "\n".join(found)
    await page.keyboard.press("Escape")
    await expect(page.get_by_test_id("confirm-dialog")).to_be_hidden()

    phone = await open_page("carol", phone=True, locale="zh-CN")
    await wait_live(phone)
    found = await violations(phone)
    assert found == [], "\n".join(found)
