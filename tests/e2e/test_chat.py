"""The chat web client in a real browser against a real hub (issue 4).

Covers sign-in, sign-out and signing out everywhere, live messages between two people, a reaction, a thread reply,
a reconnect that neither loses nor doubles a message, the phone layout, switching to Chinese,
and a guest who sees only the shared channel. Screenshots go to var/screenshots/.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.async_api import expect

from tests.e2e.conftest import TIMEOUT, OpenPage, box_of, screenshot
from tests.support import PASSWORD, HubProcess, Seed


def channel_item(page: Any, name: str) -> Any:
    return page.get_by_test_id("channel-item").filter(has_text=name)


def message(page: Any, text: str) -> Any:
    return page.locator("[data-testid=message]", has_text=text)


async def open_channel(page: Any, name: str) -> None:
    await channel_item(page, name).click()
    await expect(page.locator("h1.channel-title")).to_contain_text(name, timeout=TIMEOUT)


async def wait_live(page: Any) -> None:
    await expect(page.get_by_test_id("connection-status")).to_have_attribute(
        "data-status", "live", timeout=TIMEOUT
    )


async def send(page: Any, text: str, placeholder: str = "Message #general") -> None:
    box = page.get_by_role("textbox", name=placeholder)
    await box.fill(text)
    await box.press("Enter")


async def server_texts(page: Any, channel_id: int) -> list[str]:
    response = await page.request.get(f"/api/v1/channels/{channel_id}/messages?limit=200")
    assert response.ok, await response.text()
    return [m["text"] for m in (await response.json())["messages"]]


async def test_sign_in_through_the_form_and_sign_out(open_page: OpenPage) -> None:
    page = await open_page(None)
    form = page.get_by_test_id("sign-in-form")
    await expect(form).to_be_visible(timeout=TIMEOUT)
    await page.get_by_label("Username").fill("bob")
    await page.get_by_label("Password").fill("not the password")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_test_id("sign-in-error")).to_have_text(
        "Wrong username or password.", timeout=TIMEOUT
    )
    await screenshot(page, "sign-in")

    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_test_id("me-name")).to_have_text("Bob 李", timeout=TIMEOUT)
    await expect(page.get_by_role("navigation")).to_contain_text("general")
    await wait_live(page)

    await page.get_by_label("Settings", exact=True).click()
    await page.get_by_role("button", name="Sign out", exact=True).click()
    await expect(form).to_be_visible(timeout=TIMEOUT)
    me = await page.request.get("/api/v1/me")
    assert me.status == 401
    await page.reload()
    await expect(page.get_by_test_id("sign-in-form")).to_be_visible(timeout=TIMEOUT)


async def test_signing_out_everywhere_signs_out_the_other_browser_at_once(
    open_page: OpenPage,
) -> None:
    laptop = await open_page("bob")
    phone = await open_page("bob", phone=True)
    for page in (laptop, phone):
        await wait_live(page)
    await laptop.get_by_label("Settings", exact=True).click()
    await laptop.get_by_role("button", name="Sign out everywhere").click()
    dialog = laptop.get_by_test_id("confirm-dialog")
    await expect(dialog).to_contain_text("Sign out on every device?")
    # Asked before doing it; Cancel, the safe answer, has the focus.
    await expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    await dialog.get_by_role("button", name="Sign out everywhere").click()
    await expect(laptop.get_by_test_id("sign-in-form")).to_be_visible(timeout=TIMEOUT)
    # The phone was not touched: its socket was closed, and it finds itself signed out.
    await expect(phone.get_by_test_id("sign-in-form")).to_be_visible(timeout=TIMEOUT)
    assert (await phone.request.get("/api/v1/me")).status == 401


async def test_two_people_chat_live_with_a_reaction_and_a_thread(
    open_page: OpenPage, seed: Seed
) -> None:
    bob = await open_page("bob")
    carol = await open_page("carol")
    for page in (bob, carol):
        await open_channel(page, "general")
        await wait_live(page)

    await send(bob, "Hello Carol, 你好 **everyone**")
    await expect(message(carol, "Hello Carol, 你好")).to_be_visible(timeout=TIMEOUT)
    await expect(message(carol, "Hello Carol").locator("strong")).to_have_text("everyone")
    await expect(message(bob, "Hello Carol").get_by_test_id("send-state")).to_have_count(
        0, timeout=TIMEOUT
    )

    await send(carol, "Hi Bob @bob, lunch at noon?")
    mention = message(bob, "lunch at noon").locator(".mention-me")
    await expect(mention).to_be_visible(timeout=TIMEOUT)

    # A reaction: Bob picks 👍 on Carol's message; Carol sees it; a second click takes it back.
    carol_message = message(bob, "lunch at noon")
    await carol_message.hover()
    await carol_message.get_by_role("button", name="Add reaction").click()
    await carol_message.get_by_role("button", name="React with 👍").click()
    seen = message(carol, "lunch at noon").locator("button.reaction", has_text="👍")
    await expect(seen).to_contain_text("1", timeout=TIMEOUT)
    await expect(carol_message.locator("button.reaction")).to_have_attribute("aria-pressed", "true")

    # Typing: Carol sees Bob typing.
    await bob.get_by_role("textbox", name="Message #general").press_sequentially(
        "typing slowly", delay=250
    )
    await expect(carol.locator(".channel-pane .typing-indicator")).to_contain_text(
        "is typing", timeout=TIMEOUT
    )
    await bob.get_by_role("textbox", name="Message #general").fill("")
    await screenshot(bob, "desktop-chat")

    # A thread: Carol replies to Bob's message; Bob sees "1 reply" and opens the thread.
    root = message(carol, "Hello Carol")
    await root.hover()
    await root.get_by_role("button", name="Reply in thread").click()
    thread = carol.get_by_role("complementary", name="Thread")
    await expect(thread).to_be_visible()
    await send(carol, "Replying in the thread 串", placeholder="Reply in thread…")
    await expect(thread.locator("[data-testid=message]", has_text="串")).to_be_visible(
        timeout=TIMEOUT
    )
    link = message(bob, "Hello Carol").get_by_role("button", name="1 reply")
    await expect(link).to_be_visible(timeout=TIMEOUT)
    await link.click()
    bob_thread = bob.get_by_role("complementary", name="Thread")
    await expect(bob_thread.locator("[data-testid=message]", has_text="串")).to_be_visible(
        timeout=TIMEOUT
    )
    # The reply stays out of the channel's main list.
    await expect(bob.locator(".channel-pane [data-testid=message]", has_text="串")).to_have_count(0)
    await screenshot(bob, "desktop-thread")
    await bob.keyboard.press("Escape")
    await expect(bob_thread).to_be_hidden()

    texts = await server_texts(bob, seed.channels["general"])
    assert texts.count("Hello Carol, 你好 **everyone**") == 1


async def test_a_message_sent_offline_arrives_once_after_reconnecting(
    open_page: OpenPage, seed: Seed, hub: HubProcess
) -> None:
    bob = await open_page("bob")
    carol = await open_page("carol")
    for page in (bob, carol):
        await open_channel(page, "general")
        await wait_live(page)

    await bob.context.set_offline(True)
    status = bob.get_by_test_id("connection-status")
    await expect(status).to_have_attribute(
        "data-status", re.compile("reconnecting|connecting"), timeout=TIMEOUT
    )
    await send(bob, "sent while offline 离线")
    pending = message(bob, "sent while offline")
    await expect(pending.get_by_test_id("send-state")).to_contain_text("Waiting for connection")
    await expect(status).to_contain_text("1 message will be sent")

    await bob.context.set_offline(False)
    await wait_live(bob)
    await expect(pending.get_by_test_id("send-state")).to_have_count(0, timeout=TIMEOUT)
    await expect(message(carol, "sent while offline")).to_have_count(1, timeout=TIMEOUT)

    # Drop the socket right after a send: the resend after reconnecting must not double it.
    await send(bob, "sent as the socket dropped")
    await bob.evaluate("window.hubClient.reconnect()")
    await wait_live(bob)
    await expect(message(carol, "sent as the socket dropped")).to_have_count(1, timeout=TIMEOUT)
    await send(bob, "after the reconnect")
    await expect(message(carol, "after the reconnect")).to_have_count(1, timeout=TIMEOUT)
    # Once Bob's page has the hub's word on his last message, it has had every frame before
    # it: a doubled copy of an earlier one would show by now.
    latest = message(bob, "after the reconnect")
    await expect(latest).to_have_count(1)
    await expect(latest.get_by_test_id("send-state")).to_have_count(0)
    await expect(message(bob, "sent while offline")).to_have_count(1)
    await expect(message(bob, "sent as the socket dropped")).to_have_count(1)
    await expect(bob.get_by_test_id("send-state")).to_have_count(0)

    texts = await server_texts(bob, seed.channels["general"])
    assert texts.count("sent while offline 离线") == 1
    assert texts.count("sent as the socket dropped") == 1
    assert texts.index("sent while offline 离线") < texts.index("after the reconnect")

    # After a reload, the same history: nothing lost, nothing doubled.
    await bob.reload()
    await wait_live(bob)
    await expect(message(bob, "sent while offline")).to_have_count(1, timeout=TIMEOUT)
    await expect(message(bob, "sent as the socket dropped")).to_have_count(1)


async def test_phone_layout_drawer_and_full_width_list(open_page: OpenPage) -> None:
    carol = await open_page("carol", phone=True)
    await wait_live(carol)
    sidebar = carol.get_by_role("navigation")
    await expect(sidebar).to_be_hidden()
    scroller = carol.get_by_test_id("message-scroller")
    box = await box_of(scroller)
    assert box is not None and box["width"] >= 385, box

    await send(carol, "Hello from my phone 手机")
    await expect(message(carol, "Hello from my phone")).to_be_visible(timeout=TIMEOUT)
    menu = carol.get_by_role("button", name="Open menu")
    await expect(menu).to_be_visible()
    menu_box = await box_of(menu)
    assert menu_box is not None and menu_box["height"] >= 44 and menu_box["width"] >= 44
    await screenshot(carol, "phone-channel")

    await menu.click()
    await expect(sidebar).to_be_visible()
    item_box = await box_of(channel_item(carol, "general"))
    assert item_box is not None and item_box["height"] >= 44
    # The drawer has finished sliding in.
    await sidebar.evaluate("(el) => Promise.all(el.getAnimations().map((a) => a.finished))")
    await screenshot(carol, "phone-drawer")
    await carol.get_by_role("button", name="Close menu").click()
    await expect(sidebar).to_be_hidden()

    await menu.click()
    await channel_item(carol, "general").click()
    await expect(sidebar).to_be_hidden()

    # The thread pane covers the screen on a phone.
    item = message(carol, "Hello from my phone")
    await item.click()
    await item.get_by_role("button", name="Reply in thread").click()
    pane = carol.get_by_role("complementary", name="Thread")
    await expect(pane).to_be_visible()
    pane_box = await box_of(pane)
    assert pane_box is not None and pane_box["width"] >= 385
    await carol.get_by_role("button", name="Close thread").first.click()
    await expect(pane).to_be_hidden()


async def test_switching_to_chinese(open_page: OpenPage) -> None:
    bob = await open_page("bob")
    await wait_live(bob)
    await expect(bob.get_by_role("textbox", name="Message #general")).to_be_visible()
    await bob.get_by_label("Settings", exact=True).click()
    await bob.get_by_role("button", name="简体中文").click()
    composer = bob.get_by_role("textbox", name="发消息到 #general")
    await expect(composer).to_be_visible(timeout=TIMEOUT)
    await expect(bob.get_by_role("heading", name="频道")).to_be_visible()
    await expect(bob.locator("html")).to_have_attribute("lang", "zh-CN")
    await send(bob, "大家好，这是中文界面", placeholder="发消息到 #general")
    await expect(message(bob, "这是中文界面")).to_be_visible(timeout=TIMEOUT)
    await screenshot(bob, "zh-CN-chat")

    # The choice is remembered across a reload.
    await bob.reload()
    await expect(bob.get_by_role("textbox", name="发消息到 #general")).to_be_visible(
        timeout=TIMEOUT
    )


async def test_a_chinese_browser_gets_chinese(open_page: OpenPage) -> None:
    page = await open_page(None, locale="zh-CN")
    await expect(page.get_by_role("button", name="登录")).to_be_visible(timeout=TIMEOUT)
    await page.get_by_label("用户名").fill("carol")
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name="登录").click()
    await expect(page.get_by_role("textbox", name="发消息到 #general")).to_be_visible(
        timeout=TIMEOUT
    )


async def test_a_guest_sees_only_the_shared_channel(open_page: OpenPage) -> None:
    gina = await open_page("gina")
    await wait_live(gina)
    items = gina.get_by_test_id("channel-item")
    await expect(items).to_have_count(1, timeout=TIMEOUT)
    await expect(items.first).to_contain_text("partner-room")
    await expect(gina.locator("h1.channel-title")).to_contain_text("partner-room")
    for name in ("Create a channel", "Browse channels", "New direct message"):
        await expect(gina.get_by_role("button", name=name)).to_have_count(0)
    await send(gina, "Hello from South China Supply", placeholder="Message #partner-room")
    await expect(message(gina, "Hello from South China Supply")).to_be_visible(timeout=TIMEOUT)
    await expect(
        message(gina, "Hello from South China Supply").get_by_test_id("send-state")
    ).to_have_count(0, timeout=TIMEOUT)


async def test_a_locked_account_says_how_long_to_wait(open_page: OpenPage) -> None:
    page = await open_page(None)
    error = page.get_by_test_id("sign-in-error")
    await page.get_by_label("Username").fill("carol")
    for attempt in range(6):
        await page.get_by_label("Password").fill(f"wrong {attempt}")
        await page.get_by_role("button", name="Sign in").click()
        await expect(page.get_by_role("button", name="Sign in")).to_be_enabled(timeout=TIMEOUT)
    await expect(error).to_contain_text(
        re.compile(r"Too many failed attempts\. Try again in \d+ minutes?\."), timeout=TIMEOUT
    )
