"""A guest sees the bots that post where the guest reads, and no other bot."""

from __future__ import annotations

from tests.bots.conftest import TestBot


async def bot_id(testbot: TestBot, name: str) -> int:
    found = (await (await testbot.as_("alice")).get("/api/v1/people", params={"q": name})).json()
    return int(next(p["id"] for p in found["people"] if p["username"] == name))


async def test_a_guest_sees_a_bot_that_answered_in_their_shared_channel(testbot: TestBot) -> None:
    gina = await testbot.as_("gina")
    sample, poll = await bot_id(testbot, "sample"), await bot_id(testbot, "poll")
    assert (await gina.get(f"/api/v1/people/{sample}")).status_code == 404  # not yet

    answered = await testbot.command("/echo 你好", as_="gina", channel="shared")
    assert answered.status_code == 200, answered.text
    seen = await gina.get(f"/api/v1/people/{sample}")
    assert seen.status_code == 200, seen.text
    assert seen.json()["person"]["display_name"] in ("Sample", "示例")
    listed = await gina.get("/api/v1/people/lookup", params={"ids": f"{sample},{poll}"})
    assert [p["id"] for p in listed.json()["people"]] == [sample]
    # A bot that never posted where gina reads stays unknown to her.
    assert (await gina.get(f"/api/v1/people/{poll}")).status_code == 404
