"""Interactive cards in the web client, in a real browser against a real hub (issue 4).

A poll voted in one browser updates in the other; an approval card shows its buttons and
inputs only to its approvers, checks required and malformed values before sending, asks
before a rejection, and refreshes with a note when someone else acted first; a card with
every input kind and the same inputs as a bot's form dialog send what was filled in.
Screenshots of cards (desktop and phone) go to var/screenshots/.
"""

from __future__ import annotations

import ast
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect
from sqlmodel import select

from hub.db import create_engine, create_sessionmaker
from hub.models import Department
from tests.e2e.conftest import TIMEOUT, OpenPage, box_of, screenshot
from tests.e2e.test_accessibility import violations
from tests.e2e.test_chat import open_channel, send, wait_live
from tests.support import HubProcess, Seed, running_hub

PDF = b"%PDF-1.4\n% a doctor's note\n"


@pytest.fixture
async def hub(seed: Seed, tmp_path: Path) -> AsyncIterator[HubProcess]:
    """The hub with the poll bot and the card demo bot (tests/e2e/cardbot.py), and two
    departments for the department picker."""
    engine = create_engine(seed.url)
    async with create_sessionmaker(engine)() as session:
        sales = Department(org_id=seed.people["bob"].org_id, name="销售部", name_en="Sales")
        session.add(sales)
        await session.flush()
        session.add(
            Department(org_id=sales.org_id, name="华东区", name_en="East", parent_id=sales.id)
        )
        await session.commit()
    await engine.dispose()
    async with running_hub(seed.url, tmp_path, bots="poll,tests.e2e.cardbot:bot") as process:
        yield process


def card(page: Any, title: str) -> Any:
    return page.get_by_test_id("card").filter(has_text=title).last


async def card_from(page: Any, command: str, title: str) -> Any:
    await send(page, command)
    found = card(page, title)
    await expect(found).to_be_visible(timeout=TIMEOUT)
    return found


async def posted_card(page: Any, channel_id: int, title: str) -> dict[str, Any]:
    response = await page.request.get(f"/api/v1/channels/{channel_id}/messages?limit=50")
    assert response.ok, await response.text()
    found = [
        m
        for m in (await response.json())["messages"]
        if m["card"] and title in json.dumps(m["card"], ensure_ascii=False)
    ]
    assert found, f"no card titled {title!r}"
    return found[-1]


async def test_a_poll_voted_in_one_browser_updates_in_the_other(open_page: OpenPage) -> None:
    bob = await open_page("bob")
    carol = await open_page("carol", phone=True, locale="zh-CN")
    for page in (bob, carol):
        await wait_live(page)
    await open_channel(bob, "general")
    await carol.get_by_role("button", name="打开菜单").click()
    await open_channel(carol, "general")

    poll_on_bob = await card_from(bob, '/poll "Lunch today?" Noodles Dumplings', "Lunch today?")
    poll_on_carol = card(carol, "Lunch today?")
    await expect(poll_on_carol).to_be_visible(timeout=TIMEOUT)
    # Each reads the poll in their own language (Bob's browser is English, Carol's
    # Chinese), whoever started it; Close is only for its creator.
    await expect(poll_on_bob.get_by_role("button", name="Close poll")).to_be_visible()
    await expect(poll_on_carol.get_by_test_id("card-status")).to_have_text("进行中")
    await expect(poll_on_carol.get_by_role("button", name="结束投票")).to_have_count(0)

    # On the phone the card takes the width and its buttons are large enough to tap.
    dumplings = poll_on_carol.get_by_role("button", name="Dumplings")
    button_box, card_box = await box_of(dumplings), await box_of(poll_on_carol)
    assert button_box is not None and button_box["height"] >= 44
    assert card_box is not None and card_box["width"] >= 300
    await dumplings.click()
    await expect(poll_on_bob).to_contain_text("1 voted", timeout=TIMEOUT)
    await expect(poll_on_bob.locator(".card-markdown")).to_contain_text("1 vote (100%)")
    await poll_on_bob.get_by_role("button", name="Noodles").click()
    await expect(poll_on_carol).to_contain_text("2 人已投票", timeout=TIMEOUT)
    await expect(poll_on_carol.locator(".card-markdown")).to_contain_text("1 票 (50%)")
    version = await poll_on_carol.get_attribute("data-card-version")
    assert version == "3"
    await screenshot(bob, "desktop-card-poll")
    await screenshot(carol, "phone-card-poll")
    # Carol's page showing Bob's vote says nothing of when Bob's own page hears of it.
    await expect(poll_on_bob).to_have_attribute("data-card-version", "3")

    # Closing asks first; Cancel sends nothing.
    await poll_on_bob.get_by_role("button", name="Close poll").click()
    dialog = bob.get_by_test_id("confirm-dialog")
    await expect(dialog).to_be_visible(timeout=TIMEOUT)
    await dialog.get_by_role("button", name="Cancel").click()
    await expect(dialog).to_be_hidden()
    assert await poll_on_bob.get_attribute("data-card-version") == "3"
    await poll_on_bob.get_by_role("button", name="Close poll").click()
    await dialog.get_by_role("button", name="Close poll").click()
    await expect(poll_on_carol.get_by_test_id("card-status")).to_have_text(
        "已结束", timeout=TIMEOUT
    )
    await expect(poll_on_carol.get_by_role("button")).to_have_count(0)
    assert await poll_on_carol.get_attribute("data-card-version") == "4"  # closed once


async def test_one_poll_reads_in_english_and_in_chinese_with_its_confirmation(
    open_page: OpenPage,
) -> None:
    # The same person on two browsers, one English and one Chinese: the same card, every
    # text of it (and of its confirmation) in the browser's language, none mixed.
    english = await open_page("bob")
    chinese = await open_page("bob", locale="zh-CN")
    for page in (english, chinese):
        await wait_live(page)
        await open_channel(page, "general")
    on_english = await card_from(english, '/poll "Team dinner?" Hotpot BBQ', "Team dinner?")
    on_chinese = card(chinese, "Team dinner?")
    await expect(on_chinese).to_be_visible(timeout=TIMEOUT)
    await expect(on_english.get_by_role("button", name="Close poll")).to_be_visible()
    await expect(on_chinese.get_by_role("button", name="结束投票")).to_be_visible()
    await expect(on_english.get_by_test_id("card-status")).to_have_text("Open")
    await expect(on_chinese.get_by_test_id("card-status")).to_have_text("进行中")
    await expect(on_english.locator(".card-context")).to_contain_text("Poll by")
    await expect(on_chinese.locator(".card-context")).to_contain_text("发起人")
    await expect(on_chinese.locator(".card-markdown")).to_contain_text("0 票 (0%)")

    await on_chinese.get_by_role("button", name="结束投票").click()
    dialog = chinese.get_by_test_id("confirm-dialog")
    await expect(dialog).to_be_visible(timeout=TIMEOUT)
    await expect(dialog).to_contain_text("确定结束投票？结束后不能再投票。")
    await expect(dialog.get_by_role("button", name="取消")).to_be_visible()
    await screenshot(chinese, "desktop-card-poll-confirm-zh")
    await dialog.get_by_role("button", name="取消").click()
    await on_english.get_by_role("button", name="Close poll").click()
    dialog = english.get_by_test_id("confirm-dialog")
    await expect(dialog).to_contain_text("Close this poll? No one can vote after.")
    await expect(dialog.get_by_role("button", name="Cancel")).to_be_visible()
    await dialog.get_by_role("button", name="Close poll").click()
    await expect(on_chinese.get_by_test_id("card-status")).to_have_text("已结束", timeout=TIMEOUT)
    await expect(on_english.get_by_test_id("card-status")).to_have_text("Closed")


async def test_an_approval_card_checks_its_inputs_and_asks_before_rejecting(
    open_page: OpenPage, seed: Seed
) -> None:
    bob = await open_page("bob")
    carol = await open_page("carol")
    for page in (bob, carol):
        await wait_live(page)
        await open_channel(page, "general")
    claim = await card_from(bob, "/expense bob alice", "Expense claim #1024")
    on_carol = card(carol, "Expense claim #1024")
    await expect(on_carol).to_be_visible(timeout=TIMEOUT)

    # Every display block is drawn; carol is no approver: no inputs, no buttons.
    await expect(claim.get_by_test_id("card-status")).to_have_text("待审批 Pending")
    await expect(claim.locator(".card-markdown strong")).to_have_text("李雷 Li Lei")
    await expect(claim.locator(".card-field", has_text="金额 Amount")).to_contain_text("¥3,280.50")
    await expect(claim.get_by_test_id("card-step")).to_have_count(3)
    await expect(claim.locator(".step-current")).to_contain_text("王芳")
    await expect(claim.locator(".step-done time")).to_have_attribute(
        "datetime", "2025-03-01T09:30:00+08:00"
    )
    await expect(on_carol.locator(".card-context")).to_contain_text("Expense bot")
    await expect(on_carol.get_by_test_id("card-input")).to_have_count(0)
    await expect(on_carol.get_by_role("button")).to_have_count(0)
    await screenshot(bob, "desktop-card-approval")
    found = await violations(bob)
    assert found == [], "\n".join(found)

    # A required value left empty, then a malformed one: refused in the browser, nothing sent.
    amount = claim.get_by_label("核准金额 Approved amount", exact=False)
    await expect(amount).to_have_value("3280.50")
    await amount.fill("")
    await claim.get_by_role("button", name="同意 Approve").click()
    await expect(claim.get_by_test_id("field-error")).to_have_text("Fill this in.", timeout=TIMEOUT)
    await expect(amount).to_be_focused()
    await expect(amount).to_have_attribute("aria-invalid", "true")
    await amount.fill("1,200.555")
    await expect(claim.get_by_test_id("field-error")).to_have_count(0)
    await claim.get_by_role("button", name="同意 Approve").click()
    await expect(claim.get_by_test_id("field-error")).to_have_text("Use at most 2 decimals.")
    assert await claim.get_attribute("data-card-version") == "1"

    # Rejecting asks first, in the card's own words; Cancel keeps the card as it was.
    await amount.fill("3280.50")
    await claim.get_by_role("button", name="驳回 Reject").click()
    dialog = bob.get_by_test_id("confirm-dialog")
    await expect(dialog.get_by_role("heading")).to_have_text(
        "驳回报销？ Reject the claim?", timeout=TIMEOUT
    )
    await expect(dialog).to_contain_text("李雷 will be told to revise and resubmit.")
    await expect(dialog.get_by_role("button", name="取消 Cancel")).to_be_focused()
    await dialog.get_by_role("button", name="取消 Cancel").click()
    await expect(dialog).to_be_hidden()

    # A valid amount (typed the way people write money) and a comment: approved for everyone.
    await amount.fill("1,200.5")
    await claim.get_by_label("意见 Comment").fill("Receipts checked 已核对")
    await claim.get_by_role("button", name="同意 Approve").click()
    for page_card in (claim, on_carol):
        await expect(page_card.get_by_test_id("card-status")).to_have_text(
            "已同意 Approved", timeout=TIMEOUT
        )
    await expect(on_carol).to_contain_text("¥1200.50")
    await expect(on_carol).to_contain_text("Receipts checked 已核对")
    await expect(claim.get_by_test_id("card-input")).to_have_count(0)
    await expect(claim.get_by_test_id("card-note")).to_have_count(0)
    # The pressed button is gone with the old version: the keyboard stays on the card.
    await expect(claim).to_be_focused()


async def test_a_card_acted_on_elsewhere_refreshes_with_a_note(open_page: OpenPage) -> None:
    alice = await open_page("alice")
    bob = await open_page("bob")
    # Bob's browser stops hearing card updates, as if it had been asleep.
    held: list[str] = []

    async def hold_card_updates(ws: Any) -> None:
        server = ws.connect_to_server()

        def from_server(message: str | bytes) -> None:
            if isinstance(message, str) and '"card.updated"' in message:
                held.append(message)
            else:
                ws.send(message)

        server.on_message(from_server)

    await bob.route_web_socket("**/ws", hold_card_updates)
    await bob.reload()
    for page in (alice, bob):
        await wait_live(page)
        await open_channel(page, "general")
    claim_on_alice = await card_from(alice, "/expense alice bob", "Expense claim #1024")
    claim_on_bob = card(bob, "Expense claim #1024")
    await expect(claim_on_bob).to_be_visible(timeout=TIMEOUT)

    await claim_on_alice.get_by_role("button", name="同意 Approve").click()
    await expect(claim_on_alice.get_by_test_id("card-status")).to_have_text(
        "已同意 Approved", timeout=TIMEOUT
    )
    assert await claim_on_bob.get_attribute("data-card-version") == "1"

    await claim_on_bob.get_by_role("button", name="同意 Approve").click()
    note = claim_on_bob.get_by_test_id("card-note")
    await expect(note).to_contain_text(
        "This card changed while you were looking at it", timeout=TIMEOUT
    )
    await expect(claim_on_bob.get_by_test_id("card-status")).to_have_text("已同意 Approved")
    await expect(claim_on_bob).to_contain_text("alice")
    assert await claim_on_bob.get_attribute("data-card-version") == "2"
    assert held, "the test meant to hold back a card update"
    await screenshot(bob, "desktop-card-stale")


async def department_id(seed: Seed, name_en: str) -> int:
    engine = create_engine(seed.url)
    async with create_sessionmaker(engine)() as session:
        found = [d for d in (await session.exec(select(Department))).all() if d.name_en == name_en]
    await engine.dispose()
    return found[0].id or 0


async def fill_leave(scope: Any, page: Any, seed: Seed) -> None:
    await scope.get_by_label("From").fill("2026-12-01")
    await scope.get_by_label("To").fill("2026-12-03")
    await scope.get_by_label("Type / 类型").select_option("sick")
    await scope.get_by_label("HR").check()
    await scope.get_by_label("Covered by / 代理人").fill("carol")
    await scope.get_by_role("button", name="Carol").click()
    await expect(scope.get_by_test_id("card-person-chip")).to_have_text("Carol 陈")
    await expect(scope.locator(".picker-results")).to_have_count(0)
    await scope.get_by_label("Department / 部门").select_option(label="\u00a0\u00a0East")
    await scope.get_by_label("Days / 天数").fill("2.5")
    await scope.get_by_label("Phone while away").fill("138 0000 0000")
    await scope.get_by_label("Handover done / 已交接").check()


async def test_every_input_kind_is_sent_as_filled_in(open_page: OpenPage, seed: Seed) -> None:
    bob = await open_page("bob")
    await wait_live(bob)
    await open_channel(bob, "general")
    leave = await card_from(bob, "/leave", "Leave request")
    await expect(leave.get_by_role("img", name="The hub's logo")).to_be_visible()
    await expect(leave.get_by_test_id("card-input")).to_have_count(9)
    await expect(leave.get_by_label("Evidence")).to_have_attribute(
        "accept", "application/pdf,image/*"
    )

    await leave.get_by_role("button", name="Submit / 提交").click()
    errors = leave.get_by_test_id("field-error")
    await expect(errors).to_have_count(3, timeout=TIMEOUT)
    await expect(leave.get_by_test_id("card-error")).to_have_text(
        "Check the 3 fields marked below."
    )
    await expect(leave.get_by_label("From")).to_be_focused()
    await screenshot(bob, "desktop-card-inputs")
    found = await violations(bob)
    assert found == [], "\n".join(found)

    await fill_leave(leave, bob, seed)
    evidence = leave.get_by_label("Evidence")
    await evidence.set_input_files(
        [{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"hello"}]
    )
    await expect(leave.get_by_test_id("field-error")).to_have_text(
        "notes.txt is not a type this accepts (application/pdf, image/*)."
    )
    await evidence.set_input_files(
        [{"name": "病假条 note.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    chip = leave.get_by_test_id("card-file-chip")
    await expect(chip).to_contain_text("病假条 note.pdf", timeout=TIMEOUT)
    await expect(leave.get_by_test_id("field-error")).to_have_count(0)
    await chip.scroll_into_view_if_needed()
    await screenshot(bob, "desktop-card-file")
    await leave.get_by_role("button", name="Submit / 提交").click()
    done = card(bob, "Leave request")
    await expect(done.get_by_test_id("card-status")).to_have_text(
        "Submitted / 已提交", timeout=TIMEOUT
    )
    sent = {
        field["label"]: field["value"]
        for field in (await posted_card(bob, seed.channels["general"], "Leave request"))["card"][
            "blocks"
        ][0]["fields"]
    }
    assert sent["period"] == str({"start": "2026-12-01", "end": "2026-12-03"})
    assert sent["leave_type"] == "sick"
    assert sent["notify"] == "['hr']"
    assert sent["cover"] == f"[{seed.id('carol')}]"
    assert sent["days"] == "2.5"
    assert sent["phone"] == "138 0000 0000"
    assert sent["handover_done"] == "True"
    assert sent["department"] == str(await department_id(seed, "East"))
    evidence_ids = ast.literal_eval(sent["evidence"])
    assert len(evidence_ids) == 1
    download = await bob.request.get(f"/api/v1/files/{evidence_ids[0]}")
    assert download.ok and await download.body() == PDF


async def test_a_bots_form_opens_as_a_dialog_and_submits(open_page: OpenPage, seed: Seed) -> None:
    bob = await open_page("bob", phone=True, locale="zh-CN")
    await wait_live(bob)
    await bob.get_by_role("button", name="打开菜单").click()
    await open_channel(bob, "general")
    await send(bob, "/leaveform", placeholder="发消息到 #general")
    form = bob.get_by_test_id("form-dialog")
    await expect(form).to_be_visible(timeout=TIMEOUT)
    await expect(
        bob.get_by_label("From", exact=False).or_(bob.get_by_label("开始"))
    ).to_be_focused()

    # A click beside the form (on the backdrop) keeps it open with what was typed.
    await form.get_by_label("Phone while away").fill("13800000000")
    await bob.mouse.click(5, 5)
    await expect(form).to_be_visible()
    await expect(form.get_by_label("Phone while away")).to_have_value("13800000000")

    await form.get_by_role("button", name="提交").click()
    await expect(form.get_by_test_id("field-error")).to_have_count(3, timeout=TIMEOUT)
    await expect(form.get_by_test_id("field-error").first).to_have_text("此项必填。")
    await screenshot(bob, "phone-card-form")
    found = await violations(bob)
    assert found == [], "\n".join(found)

    await form.get_by_label("开始").fill("2026-12-01")
    await form.get_by_label("结束").fill("2026-12-02")
    await form.get_by_label("Days / 天数").fill("1")
    await form.get_by_label("Handover done / 已交接").check()
    await form.get_by_role("button", name="提交").click()
    await expect(form).to_be_hidden(timeout=TIMEOUT)
    summary = card(bob, "From bob")
    await expect(summary).to_be_visible(timeout=TIMEOUT)
    await expect(summary).to_contain_text("2026-12-02")
