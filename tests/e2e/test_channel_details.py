"""Channel details in the browser: members with presence, the topic, adding people, leaving."""

from __future__ import annotations

from playwright.async_api import expect

from tests.e2e.conftest import OpenPage, screenshot
from tests.e2e.test_accessibility import violations
from tests.e2e.test_chat import TIMEOUT, channel_item, open_channel, wait_live


async def test_topic_members_add_and_leave(open_page: OpenPage) -> None:
    bob = await open_page("bob")
    carol = await open_page("carol")
    for page in (bob, carol):
        await wait_live(page)
    await open_channel(bob, "general")
    await open_channel(carol, "general")

    await bob.get_by_test_id("channel-details").click()
    dialog = bob.get_by_test_id("channel-dialog")
    members = dialog.locator(".member-item")
    await expect(members).to_have_count(3, timeout=TIMEOUT)
    await expect(members.filter(has_text="Carol 陈")).to_be_visible()
    found = await violations(bob)
    assert found == [], "\n".join(found)
    await screenshot(bob, "desktop-channel-details")
    await dialog.get_by_label("Topic").fill("Lunch plans 午饭")
    await dialog.get_by_role("button", name="Save").click()
    await expect(dialog).to_be_hidden(timeout=TIMEOUT)
    # The topic changes for everyone in the channel, live.
    await expect(carol.locator(".channel-header .channel-topic")).to_have_text(
        "Lunch plans 午饭", timeout=TIMEOUT
    )

    # Bob adds Carol to the private #internal; it appears in her sidebar at once.
    await open_channel(bob, "internal")
    await bob.get_by_test_id("channel-details").click()
    dialog = bob.get_by_test_id("channel-dialog")
    await expect(dialog.locator(".member-item")).to_have_count(2, timeout=TIMEOUT)
    await dialog.get_by_test_id("people-search").fill("carol")
    await dialog.locator(".person-option", has_text="Carol 陈").click()
    await dialog.get_by_role("button", name="Add", exact=True).click()
    await expect(dialog).to_be_hidden(timeout=TIMEOUT)
    await expect(channel_item(carol, "internal")).to_be_visible(timeout=TIMEOUT)

    # Bob leaves #internal after confirming; it leaves his sidebar.
    await expect(bob.locator("h1.channel-title")).to_contain_text("internal")
    await bob.get_by_test_id("channel-details").click()
    await bob.get_by_test_id("channel-dialog").get_by_role("button", name="Leave channel").click()
    confirm = bob.get_by_test_id("confirm-dialog")
    await expect(confirm).to_contain_text("you will need to be invited", timeout=TIMEOUT)
    await confirm.get_by_role("button", name="Leave channel").click()
    await expect(channel_item(bob, "internal")).to_have_count(0, timeout=TIMEOUT)


async def test_guests_see_members_but_cannot_change_the_channel(open_page: OpenPage) -> None:
    gina = await open_page("gina")
    await wait_live(gina)
    await open_channel(gina, "partner-room")
    await gina.get_by_test_id("channel-details").click()
    dialog = gina.get_by_test_id("channel-dialog")
    await expect(dialog.locator(".member-item")).to_have_count(3, timeout=TIMEOUT)
    await expect(dialog.get_by_label("Topic")).to_have_count(0)
    await expect(dialog.get_by_test_id("people-search")).to_have_count(0)
