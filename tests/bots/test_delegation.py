"""Scoped roles ("the HRBP of R&D") and out of office: a delegate finds the absent person's
waiting cards in their inbox and acts on them, with both names recorded."""

from __future__ import annotations

from typing import Any

import pytest

from hub.testing import Harness

AWAY_BOT = "tests.bots.awaybot:bot"


@pytest.fixture
def hub_bots() -> list[str]:
    return [AWAY_BOT]


async def _asked(harness: Harness, approver: str) -> dict[str, Any]:
    answer = await harness.command(f"/ask {approver}")
    assert answer.ok, answer.body
    return answer.messages[0]


async def test_a_scoped_role_serves_its_department_and_those_under_it(harness: Harness) -> None:
    # carol is the HRBP of R&D: bob (Platform, under R&D) and dana (R&D) get her.
    assert (await harness.command("/hrbp bob")).replies[0]["text"] == "carol"
    assert (await harness.command("/hrbp dana")).replies[0]["text"] == "carol"
    # Finance has no HRBP of its own: the company-wide holder, hank.
    assert (await harness.command("/hrbp fiona")).replies[0]["text"] == "hank"


async def test_a_delegate_acts_for_the_absent_person_with_both_names_kept(
    harness: Harness,
) -> None:
    card = await _asked(harness, "pete")
    # Before pete is away, carol can neither read pete's card nor act on it.
    refused = await harness.click(card, "approve", as_="carol", version=1)
    assert refused.status_code == 404, refused.body
    assert (await harness.inbox("carol")) == []

    away = await harness.out_of_office("pete", delegate="carol", days=5)
    assert away.ok, away.body
    assert away.body["delegation"]["delegate"]["username"] == "carol"
    assert away.body["delegation"]["active"] is True
    assert (await harness.command("/stands_in pete")).replies[0]["text"] == "carol"

    inbox = await harness.get("/api/v1/me/inbox", as_="carol")
    assert [i["message"]["id"] for i in inbox["items"]] == [card["id"]]
    assert inbox["items"][0]["on_behalf_of"] == harness.id("pete")
    assert inbox["total"] == 1
    view = await harness.get(f"/api/v1/messages/{card['id']}/card", as_="carol")
    assert view["actions"] == ["approve"]
    assert view["acting_for"] == {"approve": harness.id("pete")}
    acting = await harness.get("/api/v1/me/delegation", as_="carol")
    assert [a["person"]["username"] for a in acting["acting_for"]] == ["pete"]

    done = await harness.click(card, "approve", as_="carol", version=1)
    assert done.ok, done.body
    assert done.body["message"]["card"]["blocks"][0]["text"] == "carol for pete"
    history = await harness.history(card["id"], as_="pete")
    assert [(h["person_id"], h["on_behalf_of"]) for h in history] == [
        (harness.id("carol"), harness.id("pete"))
    ]
    # Someone pete did not name (dana) still cannot act for him.
    assert (await harness.inbox("dana")) == []


async def test_a_delegation_ends_when_its_time_is_up_or_it_is_ended(harness: Harness) -> None:
    card = await _asked(harness, "pete")
    assert (await harness.out_of_office("pete", delegate="carol", days=1)).ok
    assert len(await harness.inbox("carol")) == 1
    await harness.advance(days=1)
    assert await harness.inbox("carol") == []
    assert (await harness.click(card, "approve", as_="carol", version=1)).status_code == 404

    assert (await harness.out_of_office("pete", delegate="carol", days=3)).ok
    assert len(await harness.inbox("carol")) == 1
    ended = await harness.request("DELETE", "/api/v1/me/delegation", as_="pete")
    assert ended.ok and ended.body["delegation"] is None
    assert await harness.inbox("carol") == []
    # pete's own card is his again, and he acts as himself.
    mine = await harness.click(card, "approve", as_="pete")
    assert mine.ok and mine.body["message"]["card"]["blocks"][0]["text"] == "pete"


async def test_a_planned_delegation_starts_later(harness: Harness) -> None:
    await _asked(harness, "pete")
    planned = await harness.out_of_office("pete", delegate="carol", days=2, starts_in_hours=24)
    assert planned.ok and planned.body["delegation"]["active"] is False
    assert await harness.inbox("carol") == []
    await harness.advance(hours=24)
    assert len(await harness.inbox("carol")) == 1


async def test_a_role_action_is_open_to_the_delegate_of_a_role_holder(harness: Harness) -> None:
    posted = await harness.command("/here", as_="bob")
    card = posted.messages[0]
    assert (await harness.get(f"/api/v1/messages/{card['id']}/card", as_="dana"))["actions"] == []
    assert (await harness.out_of_office("fiona", delegate="dana")).ok
    view = await harness.get(f"/api/v1/messages/{card['id']}/card", as_="dana")
    assert view["actions"] == ["finance"]
    assert view["acting_for"] == {"finance": harness.id("fiona")}
    done = await harness.click(card, "finance", as_="dana")
    assert done.ok, done.body
    assert done.body["message"]["card"]["blocks"][0]["text"] == "dana for fiona"


@pytest.mark.parametrize(
    ("who", "body", "status", "field"),
    [
        ("pete", {"delegate": "pete"}, 400, "delegate_id"),
        ("pete", {"delegate": "gina"}, 400, "delegate_id"),
        ("pete", {"delegate": "carol", "ends_at": "2026-12-06T09:00:00+08:00"}, 400, "ends_at"),
        ("pete", {"delegate": "carol", "ends_at": "2028-12-08T09:00:00+08:00"}, 400, "ends_at"),
        ("gina", {"delegate": "alice"}, 403, None),
    ],
)
async def test_a_bad_delegation_is_refused_and_changes_nothing(
    harness: Harness, who: str, body: dict[str, str], status: int, field: str | None
) -> None:
    request = {
        "delegate_id": harness.id(body["delegate"]),
        "ends_at": body.get("ends_at", "2026-12-10T18:00:00+08:00"),
    }
    answer = await harness.request("PUT", "/api/v1/me/delegation", request, as_=who)
    assert answer.status_code == status, answer.body
    assert answer.error is not None and answer.error["message"]
    if field is not None:
        assert answer.error["details"]["field"] == field
    assert (await harness.get("/api/v1/me/delegation", as_=who))["delegation"] is None
