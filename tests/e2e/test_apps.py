"""Bot apps and links in a real browser against a real hub (issue 11): the poll app opens
from the sidebar on a desktop and on a phone, in the reader's language; its link to a poll
scrolls to the card in its channel; a link to a thread opens the thread when the page is
loaded at it; and Back returns to what was shown before. Screenshots go to var/screenshots/.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.async_api import expect

from tests.e2e.conftest import TIMEOUT, OpenPage, screenshot
from tests.e2e.test_accessibility import violations
from tests.e2e.test_chat import open_channel, send, wait_live
from tests.support import Seed


async def hash_of(page: Any) -> str:
    value: str = await page.evaluate("location.hash")
    return value


async def test_the_poll_app_opens_from_the_sidebar_and_links_back(
    open_page: OpenPage, seed: Seed
) -> None:
    bob = await open_page("bob")
    await wait_live(bob)
    await open_channel(bob, "general")
    general = seed.channels["general"]
    await expect(bob).to_have_url(re.compile(f"#/c/{general}$"))
    await send(bob, '/poll "Lunch today?" Noodles Rice')
    card = bob.get_by_test_id("card").filter(has_text="Lunch today?")
    await expect(card).to_be_visible(timeout=TIMEOUT)

    app_item = bob.get_by_test_id("app-item").filter(has_text="Polls")
    await app_item.click()
    view = bob.get_by_test_id("app-view")
    await expect(view).to_be_visible()
    await expect(bob.locator(".channel-pane")).to_be_hidden()
    await expect(view.locator("#app-title")).to_have_text("Polls")
    item = view.get_by_test_id("poll-app-item").filter(has_text="Lunch today?")
    await expect(item).to_contain_text("Open · 0 votes")
    assert await hash_of(bob) == "#/apps/poll"
    await screenshot(bob, "desktop-poll-app")
    assert await violations(bob) == []

    # The app's link opens the card in its channel, scrolled to and highlighted.
    await item.get_by_role("button", name="Show in channel").click()
    await expect(bob.locator(".channel-pane")).to_be_visible()
    highlighted = bob.locator(".channel-pane [data-message-id].highlighted")
    await expect(highlighted).to_contain_text("Lunch today?")
    assert re.fullmatch(rf"#/c/{general}/m/\d+", await hash_of(bob))

    # Back: the app again; Back once more: the channel as it was first shown.
    await bob.go_back()
    await expect(view).to_be_visible()
    await expect(view.get_by_test_id("poll-app-item")).to_have_count(1)
    assert await hash_of(bob) == "#/apps/poll"
    await bob.go_back()
    await expect(view).to_be_hidden()
    await expect(bob.locator("h1.channel-title")).to_contain_text("general")
    assert await hash_of(bob) == f"#/c/{general}"


async def test_the_poll_app_on_a_phone_in_chinese(open_page: OpenPage) -> None:
    carol = await open_page("carol", phone=True, locale="zh-CN")
    await wait_live(carol)
    await carol.locator(".channel-pane .menu-btn").click()
    await carol.get_by_test_id("app-item").filter(has_text="投票").click()
    view = carol.get_by_test_id("app-view")
    await expect(view).to_be_visible()
    await expect(carol.locator("#sidebar")).not_to_be_in_viewport()
    await expect(view.locator("#app-title")).to_have_text("投票")
    await expect(view.get_by_test_id("app-body")).to_contain_text("还没有投票")
    box = await view.bounding_box()
    assert box is not None and box["width"] >= 380  # the whole phone's width
    await screenshot(carol, "phone-poll-app")
    # The page's own menu button opens the drawer again.
    await view.locator(".menu-btn").click()
    await expect(carol.locator("#sidebar")).to_be_in_viewport()


async def test_a_link_to_a_thread_opens_it(open_page: OpenPage, seed: Seed) -> None:
    bob = await open_page("bob")
    await wait_live(bob)
    general = seed.channels["general"]
    root = await _post(bob, general, "Root of the linked thread", "root-1")
    await _post(bob, general, "A reply only the thread shows", "reply-1", thread_root_id=root)

    carol = await open_page("carol")
    await carol.goto(f"/#/c/{general}/t/{root}")
    await carol.reload()
    thread = carol.locator(".thread-pane")
    await expect(thread).to_be_visible(timeout=TIMEOUT)
    await expect(thread).to_contain_text("A reply only the thread shows")
    await expect(carol.locator("h1.channel-title")).to_contain_text("general")
    assert await hash_of(carol) == f"#/c/{general}/t/{root}"
    # Closing the thread is a new address; Back opens the thread again.
    await thread.locator(".thread-close").click()
    await expect(thread).to_be_hidden()
    assert await hash_of(carol) == f"#/c/{general}"
    await carol.go_back()
    await expect(thread).to_be_visible()
    await expect(thread).to_contain_text("A reply only the thread shows")


async def _post(page: Any, channel_id: int, text: str, ref: str, **fields: Any) -> int:
    response = await page.request.post(
        f"/api/v1/channels/{channel_id}/messages",
        data={"text": text, "client_msg_id": ref, **fields},
        headers={"Origin": page.url.split("/#")[0].rstrip("/")},
    )
    assert response.ok, await response.text()
    message_id: int = (await response.json())["message"]["id"]
    return message_id
