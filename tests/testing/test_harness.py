"""hub.testing: the org chart, commands, forms, and a clock that fires timers when moved."""

from __future__ import annotations

import pytest

from hub.testing import DEFAULT_START, Harness, HarnessError

SAMPLE_BOT = "tests.bots.samplebot:bot"


@pytest.fixture
def hub_bots() -> list[str]:
    return [SAMPLE_BOT]


async def test_timers_fire_when_the_clock_reaches_them(harness: Harness) -> None:
    assert harness.now == DEFAULT_START
    answer = await harness.command("/remind 86400 stand-up 站会")
    assert answer.replies[0]["text"] == "ok"

    assert await harness.advance(hours=23) == 0
    assert not [m for m in await harness.messages() if m["text"].startswith("reminder")]

    assert await harness.advance(hours=1) == 1
    reminders = [m["text"] for m in await harness.messages() if m["text"].startswith("reminder")]
    assert reminders == ["reminder: stand-up 站会"]  # due at exactly now: not late
    assert await harness.advance(days=3) == 0  # fired once, never again


async def test_the_org_chart_answers_like_a_company(harness: Harness) -> None:
    boss = await harness.command("/boss bob 2", as_="carol")
    assert boss.replies[0]["text"] == "dana"  # bob -> pete -> dana
    top = await harness.command("/boss bob 4")
    assert top.replies[0]["text"] == "none"  # grace is the top
    assert harness.person("carol").locale == "en"
    assert harness.departments["PLAT"].parent_id == harness.departments["RD"].id
    assert harness.departments["FIN"].head_id == harness.id("fiona")
    # gina is a guest: she is not in #general, so the hub refuses her command there.
    refused = await harness.command("/echo hi", as_="gina")
    assert refused.status_code in (403, 404) and refused.error is not None


async def test_forms_are_submitted_as_the_person(harness: Harness) -> None:
    asked = await harness.command("/ask")
    form = asked.form
    assert form["card"]["header"]["title"] == "Leave 请假"
    bad = await harness.submit(form, {"days": 0}, as_="bob")
    assert bad.status_code == 400  # below the input's minimum, checked by the hub
    done = await harness.submit(form, {"days": 2, "reason": "家里有事"}, as_="bob")
    assert done.ok, done.body
    assert (await harness.messages())[-1]["text"] == "bob asks 2 days"


async def test_mistakes_in_a_test_say_what_is_wrong(harness: Harness) -> None:
    with pytest.raises(HarnessError, match="the org chart has"):
        harness.person("mallory")
    with pytest.raises(HarnessError, match="no channel"):
        await harness.command("/echo hi", channel="random")
    echoed = await harness.command("/echo hi")
    with pytest.raises(HarnessError, match="no single form"):
        _ = echoed.form
    with pytest.raises(ValueError, match="only moves forward"):
        await harness.advance(hours=-1)
