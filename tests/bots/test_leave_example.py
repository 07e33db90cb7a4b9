"""The leave-approval bot of docs/bots.md, run exactly as written, with hub.testing."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from hub.testing import Harness

DOC = Path(__file__).resolve().parents[2] / "docs" / "bots.md"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def example_code() -> str:
    match = re.search(r"## A leave approval\n.*?```python\n(.*?)```", DOC.read_text(), re.S)
    assert match, "docs/bots.md lost its leave-approval example"
    return match.group(1)


@pytest.fixture
def hub_bots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    (tmp_path / "leavebot.py").write_text(example_code())
    monkeypatch.syspath_prepend(str(tmp_path))
    return ["leavebot:bot"]


def test_the_example_is_shorter_than_the_prototype() -> None:
    assert len(example_code().strip().splitlines()) < 245


def status(message: dict[str, Any]) -> str:
    label: str = message["card"]["status"]["label"]["en"]
    return label


async def test_two_levels_a_reminder_the_inbox_and_a_shared_sick_note(harness: Harness) -> None:
    note = await harness.upload("病假条.pdf", PDF, "application/pdf", as_="bob")
    form = (await harness.command("/leave", as_="bob")).form
    # Monday 7 to Monday 14 December 2026: six working days, so pete and then dana sign.
    period = {"start": "2026-12-07", "end": "2026-12-14"}
    sent = await harness.submit(
        form,
        {"type": "sick", "period": period, "reason": "发烧 fever", "note": [note["id"]]},
        as_="bob",
    )
    assert sent.ok, sent.body
    (mine,) = await harness.direct("bob")
    assert status(mine) == "Pending" and mine["card"]["status"]["label"]["zh-CN"] == "审批中"

    (waiting,) = await harness.inbox("pete")
    assert await harness.inbox("dana") == []
    assert await harness.download(note, as_="pete") == 200  # shared with the approvers
    assert await harness.download(note, as_="carol") == 404  # and no one else

    assert await harness.advance(hours=23) == 0
    assert await harness.advance(hours=1) == 1  # a day without an answer: pete is reminded
    reminder = (await harness.direct("pete"))[-1]
    assert reminder["text"].startswith("Reminder: 李博's leave request")  # pete reads English

    approved = await harness.click(waiting, "approve", as_="pete")
    assert approved.ok, approved.body
    assert await harness.inbox("pete") == []
    (dana_card,) = await harness.inbox("dana")
    assert await harness.download(note, as_="dana") == 200

    no_reason = await harness.click(dana_card, "reject", as_="dana")
    assert no_reason.status_code == 400 and no_reason.error
    assert no_reason.error["details"]["field"] == "comment"  # a rejection says why
    rejected = await harness.click(
        dana_card, "reject", as_="dana", values={"comment": "年底太忙 year end"}
    )
    assert rejected.ok, rejected.body
    assert await harness.inbox("dana") == []
    mine = (await harness.card(mine["id"], as_="bob"))["message"]
    assert status(mine) == "Rejected"
    assert "邓娜" in str(mine["card"])
    assert await harness.advance(days=3) == 0  # no reminder for a settled request


async def test_a_short_leave_needs_one_signature_and_no_working_day_is_refused(
    harness: Harness,
) -> None:
    form = (await harness.command("/leave", as_="carol")).form
    weekend = {"start": "2026-12-12", "end": "2026-12-13"}
    refused = await harness.submit(form, {"type": "annual", "period": weekend}, as_="carol")
    assert refused.status_code == 400 and refused.error
    assert refused.error["details"]["field"] == "period"
    assert "working day" in refused.error["message"]  # carol reads English

    day = {"start": "2026-12-15", "end": "2026-12-15"}
    assert (await harness.submit(form, {"type": "annual", "period": day}, as_="carol")).ok
    (waiting,) = await harness.inbox("dana")
    assert (await harness.click(waiting, "approve", as_="dana")).ok
    (mine,) = await harness.direct("carol")
    mine = (await harness.card(mine["id"], as_="carol"))["message"]
    assert status(mine) == "Approved"
    assert await harness.inbox("grace") == []  # one level for a day off
