"""The bot runtime end to end: commands, private replies, failures and time limits, forms, events, timers."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from hub.wire.server import ServerFrame
from tests.bots.conftest import SAMPLE_BOT, TestBot
from tests.support import Seed, count_rows, running_hub, wait_for

server_frame: TypeAdapter[ServerFrame] = TypeAdapter(ServerFrame)


def code(response: object) -> str:
    value: str = response.json()["error"]["code"]  # type: ignore[attr-defined]
    return value


async def test_command_posts_and_replies_privately(testbot: TestBot) -> None:
    bob = await testbot.watch("bob")
    carol = await testbot.watch("carol")
    answer = await testbot.command("/echo 你好 world", as_="bob")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [m["text"] for m in body["messages"]] == ["echo: 你好 world"]
    assert [r["text"] for r in body["replies"]] == ["you said 2 words"]
    # Everyone in the channel sees the post; only bob sees the private reply.
    posted = await carol.expect("message.new", channel_id=testbot.channel("general"))
    assert posted["message"]["text"] == "echo: 你好 world"
    reply = await bob.expect("ephemeral")
    assert reply["text"] == "you said 2 words" and reply["channel_id"] == testbot.channel("general")
    await carol.send({"type": "ping", "ref": "p"})
    frame = await carol.expect_any(("ephemeral", "pong"))
    assert frame["type"] == "pong", "carol must not see bob's private reply"


async def test_help_unknown_and_command_list(testbot: TestBot) -> None:
    helped = await testbot.command("/help")
    assert helped.status_code == 200
    text = helped.json()["replies"][0]["text"]
    assert "/poll" in text and "/echo" in text
    unknown = await testbot.command("/pol Lunch")
    assert unknown.status_code == 404 and code(unknown) == "unknown_command"
    assert "/poll" in unknown.json()["error"]["message"]
    not_a_command = await testbot.command("hello")
    assert not_a_command.status_code == 400
    listed = await (await testbot.as_("bob")).get("/api/v1/commands", params={"locale": "zh-CN"})
    commands = {c["name"]: c for c in listed.json()["commands"]}
    assert commands["poll"]["description"] == "发起投票" and commands["poll"]["bot"] == "poll"
    assert commands["echo"]["usage"] == "text" and "help" in commands


async def test_a_failing_handler_keeps_nothing_and_is_logged(testbot: TestBot) -> None:
    before = await count_rows(testbot.seed.url, "message")
    failed = await testbot.command("/boom")
    assert failed.status_code == 502 and code(failed) == "bot_failed"
    assert "nothing it did was kept" in failed.json()["error"]["message"]
    assert await count_rows(testbot.seed.url, "message") == before
    assert "half-done" not in [m["text"] for m in await testbot.messages()]
    log = testbot.hub.log_path.read_text()
    assert "ZeroDivisionError: boom" in log and "Traceback" in log


async def test_a_slow_handler_is_stopped_and_keeps_nothing(testbot: TestBot) -> None:
    started = time.monotonic()
    slow = await testbot.command("/slow")
    assert slow.status_code == 504 and code(slow) == "bot_timeout"
    assert time.monotonic() - started < 5
    assert "slow start" not in [m["text"] for m in await testbot.messages()]
    # The hub is fine afterwards.
    assert (await testbot.command("/echo still here")).status_code == 200


async def test_a_bot_refusal_reaches_the_person(testbot: TestBot) -> None:
    refused = await testbot.command("/refuse")
    assert refused.status_code == 400 and refused.json()["error"]["message"] == "Not today."


async def test_guests_cannot_run_commands_where_they_cannot_post(testbot: TestBot) -> None:
    hidden = await testbot.command("/echo hi", as_="gina", channel="general")
    assert hidden.status_code == 404 and code(hidden) == "channel_not_found"
    shared = await testbot.command("/echo hi", as_="gina", channel="shared")
    assert shared.status_code == 200


async def test_forms_open_submit_once_and_check_values(testbot: TestBot) -> None:
    bob = await testbot.watch("bob")
    opened = await testbot.command("/ask")
    assert opened.status_code == 200
    form = await bob.expect("form.open")
    server_frame.validate_python(form)
    assert form["card"]["header"]["title"] == "Leave 请假"
    client = await testbot.as_("bob")
    missing = await client.post(f"/api/v1/forms/{form['form_id']}", json={"values": {}})
    assert missing.status_code == 400 and missing.json()["error"]["details"]["field"] == "days"
    carol = await testbot.as_("carol")
    not_hers = await carol.post(f"/api/v1/forms/{form['form_id']}", json={"values": {"days": 2}})
    assert not_hers.status_code == 404
    sent = await client.post(f"/api/v1/forms/{form['form_id']}", json={"values": {"days": 2}})
    assert sent.status_code == 200, sent.text
    assert sent.json()["messages"][0]["text"] == "bob asks 2 days"
    again = await client.post(f"/api/v1/forms/{form['form_id']}", json={"values": {"days": 3}})
    assert again.status_code == 409


async def test_bot_hears_messages_where_it_is_a_member(testbot: TestBot) -> None:
    alice = await testbot.as_("alice")
    bots = (await alice.get("/api/v1/bots")).json()["bots"]
    sample = next(b for b in bots if b["name"] == "sample")
    assert "echo" in sample["commands"] and sample["kind"] == "plugin"
    dm = await alice.post("/api/v1/channels/direct", json={"person_ids": [sample["id"]]})
    assert dm.status_code in (200, 201), dm.text
    channel_id = dm.json()["channel"]["id"]
    sent = await alice.post(
        f"/api/v1/channels/{channel_id}/messages", json={"text": "ping?", "client_msg_id": "p1"}
    )
    assert sent.status_code == 201

    async def answered() -> list[dict[str, Any]] | None:
        page = (await alice.get(f"/api/v1/channels/{channel_id}/messages")).json()["messages"]
        return page if any(m["text"] == "pong" for m in page) else None

    page = await wait_for(answered, what="the bot's pong")
    assert [m["text"] for m in page] == ["ping?", "pong"]


async def test_timers_fire_through_the_bot(testbot: TestBot) -> None:
    watcher = await testbot.watch("carol")
    answer = await testbot.command("/remind 0.3 stand-up")
    assert answer.status_code == 200, answer.text
    reminder = await watcher.expect("message.new")
    while reminder["message"]["text"] != "reminder: stand-up":
        reminder = await watcher.expect("message.new")
    # The firing is recorded in the same transaction as the handler's post: once the post
    # is visible, the timer is done (a crash in between cannot make it fire again).
    assert await count_rows(testbot.seed.url, "timer", "status = 'done'") == 1


async def test_org_chart_lookups(testbot: TestBot) -> None:
    """Managers up the chain, department heads (inherited from the parent), role members."""
    from hub.db import create_engine, create_sessionmaker
    from hub.models import Department, Person

    seed = testbot.seed
    engine = create_engine(seed.url)
    async with create_sessionmaker(engine)() as session:
        alice = await session.get(Person, seed.id("alice"))
        bob = await session.get(Person, seed.id("bob"))
        carol = await session.get(Person, seed.id("carol"))
        assert alice and bob and carol
        top = Department(org_id=alice.org_id, name="研发部", name_en="R&D", head_id=alice.id)
        session.add(top)
        await session.flush()
        team = Department(org_id=alice.org_id, name="平台组", parent_id=top.id)
        session.add(team)
        await session.flush()
        # carol leads bob but has no manager herself: her department's head stands in.
        bob.department_id, bob.manager_id = team.id, carol.id
        carol.department_id, carol.roles = team.id, ["finance"]
        session.add_all([bob, carol])
        await session.commit()
    await engine.dispose()

    answer = await testbot.command("/whois bob", as_="carol")
    assert answer.status_code == 200, answer.text
    assert answer.json()["replies"][0]["text"] == (
        "bob: managers=['carol', 'alice'] head=alice admins=['alice']"
    )
    levels = [
        (await testbot.command(f"/boss bob {n}", as_="carol")).json()["replies"][0]["text"]
        for n in (1, 2, 3)
    ]
    assert levels == ["carol", "alice", "none"]


async def test_bots_edit_replace_delete_and_message_directly(testbot: TestBot) -> None:
    answer = await testbot.command("/tidy", as_="carol")
    assert answer.status_code == 200, answer.text
    by_id = {m["id"]: m for m in await testbot.messages()}
    note, card, gone = answer.json()["messages"][:3]
    assert by_id[note["id"]]["text"] == "final" and by_id[note["id"]]["edited_at"]
    assert by_id[card["id"]]["card"]["header"]["title"] == "v2"
    assert by_id[card["id"]]["card_version"] == 2
    assert by_id[gone["id"]]["deleted"] is True
    direct = answer.json()["messages"][3]
    carol = await testbot.as_("carol")
    channel = (await carol.get(f"/api/v1/channels/{direct['channel_id']}")).json()["channel"]
    assert channel["kind"] == "direct"


async def test_a_bot_replies_in_a_direct_thread_and_lists_its_own_timers(
    testbot: TestBot,
) -> None:
    answer = await testbot.command("/followup", as_="carol")
    assert answer.status_code == 200, answer.text
    root, reply = answer.json()["messages"]
    assert reply["thread_root_id"] == root["id"] and reply["channel_id"] == root["channel_id"]
    # Only this request's follow-ups, soonest first; not the bot's other timer.
    assert answer.json()["replies"][0]["text"] == (
        f"fu-{root['id']}-24@remind fu-{root['id']}-48@remind"
    )


async def test_bots_count_working_days_on_the_configured_calendar(
    seed: Seed, tmp_path: Path
) -> None:
    # 国庆 2025: 1-8 October off, Saturday 11 October worked; the company also closes on the 9th.
    async with running_hub(
        seed.url, tmp_path, bots=SAMPLE_BOT, company_days_off='["2025-10-09"]'
    ) as hub:
        driver = TestBot(hub, seed)
        try:
            answer = await driver.command("/due 2025-09-30 3")
            assert answer.status_code == 200, answer.text
            assert answer.json()["replies"][0]["text"] == "2025-10-13 3 True"
        finally:
            await driver.close()


async def test_commands_and_clicks_share_the_senders_rate_limit(seed: Seed, tmp_path: Path) -> None:
    async with running_hub(
        seed.url, tmp_path, bots=SAMPLE_BOT, send_rate_burst=3, send_rate_per_second=0.2
    ) as hub:
        driver = TestBot(hub, seed)
        try:
            answers = [(await driver.command("/echo hi")).status_code for _ in range(4)]
            assert answers == [200, 200, 200, 429]
            limited = await driver.command("/echo again")
            assert limited.json()["error"]["code"] == "rate_limited"
            assert "Retry-After" in limited.headers
            # Someone else is not slowed down.
            assert (await driver.command("/echo hi", as_="carol")).status_code == 200
        finally:
            await driver.close()


async def test_a_cancelled_timer_never_fires(testbot: TestBot) -> None:
    assert (await testbot.command("/remind 1.0 never")).status_code == 200
    cancelled = await testbot.command("/unremind never")
    assert cancelled.json()["replies"][0]["text"] == "cancelled"
    again = await testbot.command("/unremind never")
    assert again.json()["replies"][0]["text"] == "nothing to cancel"
    # A timer due a second after the cancelled one: once it has fired, the timers were swept
    # past the cancelled one's time, and it would have fired by then.
    assert (await testbot.command("/remind 2.0 after")).status_code == 200

    async def later_fired() -> list[str] | None:
        texts = [m["text"] for m in await testbot.messages()]
        return texts if "reminder: after" in texts else None

    texts = await wait_for(later_fired, what="the later reminder")
    assert "reminder: never" not in texts
    assert await count_rows(testbot.seed.url, "timer", "status = 'cancelled'") == 1


async def test_a_timer_due_before_the_next_poll_fires_on_time(seed: Seed, tmp_path: Path) -> None:
    async with running_hub(seed.url, tmp_path, bots=SAMPLE_BOT, timer_poll_seconds=60) as hub:
        driver = TestBot(hub, seed)
        try:
            watcher = await driver.watch("carol")
            started = time.monotonic()
            assert (await driver.command("/remind 0.5 soon")).status_code == 200
            frame = await watcher.expect("message.new", timeout=10)
            while frame["message"]["text"] != "reminder: soon":
                frame = await watcher.expect("message.new", timeout=10)
            assert time.monotonic() - started < 5, "waited for the 60 s poll instead"
        finally:
            await driver.close()
