"""A table input through the API, with a bot built on hub.botkit (tests/e2e/tablebot.py):
the bot receives cleaned rows, posts them as a table block with their total, and a bad
cell is refused by the hub (or by the bot) naming the cell, `lines[row].column`."""

from __future__ import annotations

from typing import Any

import pytest

from hub.testing import Harness


@pytest.fixture
def hub_bots() -> list[str]:
    return ["tests.e2e.tablebot:bot"]


def _lines(*amounts: str) -> list[dict[str, Any]]:
    return [{"item": f"Line {n}", "amount": amount} for n, amount in enumerate(amounts, 1)]


async def test_submitted_lines_come_back_as_a_table_with_their_total(harness: Harness) -> None:
    form = (await harness.command("/claim", as_="bob")).form
    assert form["card"]["schema"] == 3
    table = form["card"]["blocks"][1]
    assert (table["kind"], table["min_rows"], table["max_rows"]) == ("table", 1, 4)
    lines = [
        {"item": "Taxi", "day": "2026-12-01", "kind": "taxi", "amount": "35"},
        {"item": "", "day": "", "kind": "", "amount": ""},  # a blank row is no row
        {"item": "Hotel", "kind": "hotel", "amount": "420.5"},
    ]
    sent = await harness.submit(form, {"purpose": "Shanghai trip", "lines": lines}, as_="bob")
    assert sent.ok, sent.body
    (posted,) = await harness.messages()
    shown = posted["card"]["blocks"][1]
    assert shown["type"] == "table"
    assert shown["rows"] == [
        {"item": "Taxi", "day": "2026-12-01", "kind": "taxi", "amount": "35.00"},
        {"item": "Hotel", "kind": "hotel", "amount": "420.50"},
    ]
    assert [c["id"] for c in shown["columns"] if c["total"]] == ["amount"]
    # The message text (mail, notifications) reads the table: a line per row, the total.
    assert posted["text"].endswith(
        "明细\n项目 | 日期 | 类别 | 金额\n"
        "Taxi | 2026-12-01 | 出租车 | CNY 35.00\n"
        "Hotel | — | 酒店 | CNY 420.50\n"
        "合计: 金额 CNY 455.50"
    )


async def test_a_bad_cell_is_refused_by_the_hub_naming_row_and_column(harness: Harness) -> None:
    form = (await harness.command("/claim", as_="bob")).form
    lines = [{"item": "Taxi", "amount": "35"}, {"item": "Bus", "amount": "2.555"}]
    refused = await harness.submit(form, {"purpose": "Trip", "lines": lines}, as_="bob")
    assert refused.status_code == 400
    assert refused.error is not None
    assert refused.error["code"] == "validation_failed"
    assert refused.error["details"] == {"field": "lines[1].amount"}
    assert (
        refused.error["message"] == '`lines[1].amount`: must have at most 2 decimals (got "2.555").'
    )

    no_item = await harness.submit(form, {"purpose": "Trip", "lines": [{"amount": "1"}]})
    assert no_item.error and no_item.error["details"] == {"field": "lines[0].item"}
    too_many = await harness.submit(form, {"purpose": "Trip", "lines": _lines(*"12345")})
    assert too_many.error and too_many.error["details"] == {"field": "lines"}
    assert await harness.messages() == []  # nothing reached the bot

    fixed = await harness.submit(form, {"purpose": "Trip", "lines": _lines("35", "2.55")})
    assert fixed.ok, fixed.body


async def test_the_bots_refusal_of_one_cell_names_it_too(harness: Harness) -> None:
    posted = (await harness.command("/claimcard", as_="bob")).messages[0]
    over = await harness.click(
        posted, "send_claim", as_="bob", values={"lines": _lines("35", "1000.01")}
    )
    assert over.status_code == 400 and over.error
    assert over.error["details"] == {"field": "lines[1].amount"}
    assert over.error["message"] == "单笔不能超过 1000。"  # bob reads zh-CN
    done = await harness.click(posted, "send_claim", as_="bob", values={"lines": _lines("35")})
    assert done.ok, done.body
    assert done.message["card"]["blocks"][1]["rows"] == [{"item": "Line 1", "amount": "35.00"}]
