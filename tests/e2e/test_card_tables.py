"""Table inputs and table blocks (card schema 3) in a real browser against a real hub:
expense lines filled in a bot's form on a desktop and on a phone (rows stacked), rows
added and removed within min and max, the live total, the bot's error under its cell,
and the bot's card showing the lines as a table with their total (tests/e2e/tablebot.py).
Screenshots go to var/screenshots/.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from tests.e2e.conftest import PHONE, TIMEOUT, OpenPage, box_of, screenshot
from tests.e2e.test_accessibility import violations
from tests.e2e.test_cards import card
from tests.e2e.test_chat import open_channel, send, wait_live
from tests.support import HubProcess, Seed, running_hub


@pytest.fixture
async def hub(seed: Seed, tmp_path: Path) -> AsyncIterator[HubProcess]:
    async with running_hub(seed.url, tmp_path, bots="tests.e2e.tablebot:bot") as process:
        yield process


def cell(form: Any, row: int, column: str) -> Any:
    """The control of one cell (rows from 1, as the person reads them)."""
    return form.locator(f"[data-row='{row - 1}'] [data-column='{column}']")


def total(form: Any) -> Any:
    return form.locator("[data-table-total='amount']")


async def open_claim(page: Any, placeholder: str = "Message #general") -> Any:
    await send(page, "/claim", placeholder=placeholder)
    form = page.get_by_test_id("form-dialog")
    await expect(form).to_be_visible(timeout=TIMEOUT)
    return form


async def test_expense_lines_on_a_desktop(open_page: OpenPage) -> None:
    bob = await open_page("bob")
    await wait_live(bob)
    await open_channel(bob, "general")
    form = await open_claim(bob)
    rows = form.get_by_test_id("table-row")
    await expect(rows).to_have_count(1)  # min_rows 1: one row to start, which stays
    await expect(form.get_by_role("button", name="Remove row 1")).to_be_disabled()

    await form.get_by_label("Purpose").fill("Shanghai trip")
    await form.get_by_label("Item, row 1", exact=True).fill("Taxi")
    await form.get_by_label("Day, row 1", exact=True).fill("2026-12-01")
    await form.get_by_label("Kind, row 1", exact=True).select_option("taxi")
    await form.get_by_label("Amount, row 1", exact=True).fill("35")
    await expect(total(form)).to_have_text("CN¥35.00")

    # By keyboard: the new row takes the focus, Tab goes along it; the total follows
    # every keystroke.
    add = form.get_by_role("button", name="Add a row")
    await add.focus()
    await bob.keyboard.press("Enter")
    await expect(form.get_by_label("Item, row 2", exact=True)).to_be_focused()
    await bob.keyboard.type("Hotel")
    await bob.keyboard.press("Tab")
    await expect(form.get_by_label("Day, row 2", exact=True)).to_be_focused()
    await form.get_by_label("Amount, row 2", exact=True).fill("1,420.5")
    await expect(total(form)).to_have_text("CN¥1,455.50")
    await add.click()
    await form.get_by_label("Item, row 3", exact=True).fill("Mistake")
    await form.get_by_label("Amount, row 3", exact=True).fill("99")
    await expect(total(form)).to_have_text("CN¥1,554.50")
    await add.click()
    await expect(rows).to_have_count(4)
    await expect(add).to_be_disabled()  # max_rows 4
    await form.get_by_role("button", name="Remove row 4").click()
    await form.get_by_role("button", name="Remove row 3").click()
    await expect(rows).to_have_count(2)
    await expect(add).to_be_enabled()
    await expect(total(form)).to_have_text("CN¥1,455.50")
    await expect(form.get_by_label("Item, row 2", exact=True)).to_have_value("Hotel")
    # A blank row in the middle is not sent, and is gone when the hub answers.
    await add.click()
    await form.get_by_label("Item, row 2", exact=True).fill("")
    await form.get_by_label("Amount, row 2", exact=True).fill("")
    await form.get_by_label("Item, row 3", exact=True).fill("Hotel")
    await form.get_by_label("Amount, row 3", exact=True).fill("1420.5")
    await screenshot(bob, "desktop-table-form")
    found = await violations(bob)
    assert found == [], "\n".join(found)

    # The bot refuses the hotel line on its amount: the error sits under that cell, which
    # is now row 2 (the blank row was dropped before sending).
    await form.get_by_role("button", name="Submit").click()
    amount = form.locator("[data-row='1'] [data-cell='amount']")
    await expect(amount.get_by_test_id("field-error")).to_have_text(re.compile("1000"))
    await expect(rows).to_have_count(2)
    await expect(cell(form, 2, "item")).to_have_value("Hotel")
    await expect(cell(form, 2, "amount")).to_have_attribute("aria-invalid", "true")
    await cell(form, 2, "amount").fill("420.5")
    await expect(amount.get_by_test_id("field-error")).to_have_count(0)
    await expect(total(form)).to_have_text("CN¥455.50")
    await form.get_by_role("button", name="Submit").click()
    await expect(form).to_be_hidden(timeout=TIMEOUT)

    claim = card(bob, "Shanghai trip")
    await expect(claim).to_be_visible(timeout=TIMEOUT)
    table = claim.get_by_test_id("card-table")
    await expect(table.locator("tbody tr")).to_have_count(2)
    await expect(table.locator("tbody tr").first).to_contain_text("Taxi2026-12-01TaxiCN¥35.00")
    await expect(table.locator("tbody tr").last).to_contain_text("HotelCN¥420.50")
    await expect(table.get_by_test_id("table-total")).to_have_text("CN¥455.50")
    await expect(table.locator("tfoot th")).to_have_text("Total")
    await screenshot(bob, "desktop-table-card")
    found = await violations(bob)
    assert found == [], "\n".join(found)


async def test_a_cell_the_client_can_check_is_refused_before_sending(open_page: OpenPage) -> None:
    bob = await open_page("bob")
    await wait_live(bob)
    await open_channel(bob, "general")
    form = await open_claim(bob)
    await form.get_by_label("Purpose").fill("Trip")
    await form.get_by_label("Amount, row 1", exact=True).fill("12.345")
    await form.get_by_role("button", name="Submit").click()
    item = form.locator("[data-row='0'] [data-cell='item']")
    await expect(item.get_by_test_id("field-error")).to_have_text("Fill this in.")
    amount = form.locator("[data-row='0'] [data-cell='amount']")
    await expect(amount.get_by_test_id("field-error")).to_have_text("Use at most 2 decimals.")
    await expect(form.get_by_label("Item, row 1", exact=True)).to_be_focused()
    await expect(form).to_be_visible()  # nothing was sent: no claim card was posted
    await expect(bob.get_by_test_id("card-table")).to_have_count(0)


async def test_expense_lines_on_a_phone_stack_each_row(open_page: OpenPage) -> None:
    bob = await open_page("bob", phone=True, locale="zh-CN")
    await wait_live(bob)
    await bob.get_by_role("button", name="打开菜单").click()
    await open_channel(bob, "general")
    form = await open_claim(bob, placeholder="发消息到 #general")
    await form.get_by_label("事由").fill("出差")
    await form.get_by_label("项目，第 1 行", exact=True).fill("出租车")
    await form.get_by_label("金额，第 1 行", exact=True).fill("35")
    await form.get_by_role("button", name="添加一行").click()
    await expect(form.get_by_label("项目，第 2 行", exact=True)).to_be_focused()
    await bob.keyboard.type("酒店")
    await form.get_by_label("金额，第 2 行", exact=True).fill("420.5")
    await expect(total(form)).to_have_text("¥455.50")

    # Each row is its own small group: cells stacked, each with its visible label, and
    # nothing wider than the screen.
    await expect(form.locator(".table-edit-head")).to_be_hidden()
    row = form.get_by_role("group", name="第 1 行")
    await expect(row.locator("label", has_text="项目")).to_be_visible()
    item_box = await box_of(cell(form, 1, "item"))
    amount_box = await box_of(cell(form, 1, "amount"))
    assert amount_box["y"] >= item_box["y"] + item_box["height"], (item_box, amount_box)
    row_box = await box_of(row)
    assert row_box["x"] >= 0 and row_box["x"] + row_box["width"] <= PHONE["width"], row_box
    await screenshot(bob, "phone-table-form")
    found = await violations(bob)
    assert found == [], "\n".join(found)

    await form.get_by_role("button", name="提交").click()
    await expect(form).to_be_hidden(timeout=TIMEOUT)
    claim = card(bob, "出差")
    await expect(claim).to_be_visible(timeout=TIMEOUT)
    table = claim.get_by_test_id("card-table")
    await expect(table.get_by_test_id("table-total")).to_have_text("¥455.50")
    await expect(table.locator("tfoot th")).to_have_text("合计")
    await expect(table.locator("thead")).to_contain_text("项目日期类别金额")
    # The table scrolls inside its box rather than widening the page.
    scroller = table.get_by_role("region", name="明细")
    box = await box_of(scroller)
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert await bob.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    await screenshot(bob, "phone-table-card")
