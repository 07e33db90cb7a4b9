"""An action's `requires` and a bot's error on one field, in a real browser (issue 11)."""

from __future__ import annotations

from playwright.async_api import expect

from tests.e2e.conftest import TIMEOUT, OpenPage
from tests.e2e.test_cards import card, card_from, hub  # noqa: F401  (the fixture)
from tests.e2e.test_chat import open_channel, send, wait_live


async def test_reject_asks_for_a_reason_before_it_is_sent(open_page: OpenPage) -> None:
    bob = await open_page("bob")
    await wait_live(bob)
    await open_channel(bob, "general")
    review = await card_from(bob, "/review", "Contract review")
    await review.get_by_role("button", name="Reject").click()
    await expect(review.get_by_test_id("field-error")).to_have_text(
        "Fill this in.", timeout=TIMEOUT
    )
    assert await review.get_attribute("data-card-version") == "1"  # nothing was sent
    await review.get_by_label("Reason / 理由").fill("价格太高 too expensive")
    await review.get_by_role("button", name="Reject").click()
    decided = card(bob, "Rejected / 已驳回")
    await expect(decided).to_be_visible(timeout=TIMEOUT)
    await expect(decided).to_contain_text("价格太高 too expensive")


async def test_a_bots_error_on_one_field_lands_under_it_on_a_phone(open_page: OpenPage) -> None:
    bob = await open_page("bob", phone=True, locale="zh-CN")
    await wait_live(bob)
    await bob.get_by_role("button", name="打开菜单").click()
    await open_channel(bob, "general")
    await send(bob, "/leaveform", placeholder="发消息到 #general")
    form = bob.get_by_test_id("form-dialog")
    await expect(form).to_be_visible(timeout=TIMEOUT)
    await form.get_by_label("开始").fill("2026-12-01")
    await form.get_by_label("结束").fill("2026-12-02")
    await form.get_by_label("Days / 天数").fill("1")
    await form.get_by_label("Handover done / 已交接").check()
    await form.get_by_label("Phone while away").fill("000")
    await form.get_by_role("button", name="提交").click()
    phone = form.locator("[data-input='phone']")
    await expect(phone.get_by_test_id("field-error")).to_have_text(
        "不是电话号码。", timeout=TIMEOUT
    )
    await expect(form).to_be_visible()  # still open, with what was typed
    await form.get_by_label("Phone while away").fill("13800000000")
    await form.get_by_role("button", name="提交").click()
    await expect(form).to_be_hidden(timeout=TIMEOUT)
