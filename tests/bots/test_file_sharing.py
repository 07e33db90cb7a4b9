"""Files sent to a bot go to that bot alone, and on to exactly the people or channel the bot
names (ctx.share_files), on SQLite and PostgreSQL. Before, a form's file was shared with the
channel the command was typed in: everyone in a public channel, or the colleague of a DM,
could read a sick note while the approver it was sent to got 404."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.bots.conftest import TestBot
from tests.support import count_rows, running_hub, seed_database

PDF = b"%PDF-1.4\n% sick note\n"
FILEBOT = "tests.bots.filebot:bot"


@pytest.fixture
async def filebot(database_url: str, tmp_path: Path) -> AsyncIterator[TestBot]:
    seed = await seed_database(database_url)
    async with running_hub(database_url, tmp_path, bots=FILEBOT) as hub:
        bot = TestBot(hub, seed)
        try:
            yield bot
        finally:
            await bot.close()


async def upload(testbot: TestBot, who: str, name: str = "note.pdf") -> dict[str, Any]:
    client = await testbot.as_(who)
    response = await client.post(
        "/api/v1/files",
        params={"name": name},
        content=PDF,
        headers={"Content-Type": "application/pdf"},
    )
    assert response.status_code == 201, response.text
    file: dict[str, Any] = response.json()
    return file


async def open_direct(testbot: TestBot, who: str, other: str) -> None:
    """The DM between `who` and `other`, named "dm" for testbot.command."""
    client = await testbot.as_(who)
    response = await client.post(
        "/api/v1/channels/direct", json={"person_ids": [testbot.seed.id(other)]}
    )
    assert response.status_code in (200, 201), response.text
    testbot.seed.channels["dm"] = response.json()["channel"]["id"]


async def send_note(
    testbot: TestBot, channel: str, values: dict[str, Any], *, as_: str = "bob"
) -> httpx.Response:
    """`/sicknote` in `channel`, then submit its form with `values`."""
    opened = await testbot.command("/sicknote", as_=as_, channel=channel)
    assert opened.status_code == 200, opened.text
    form_id = opened.json()["forms"][0]["form_id"]
    client = await testbot.as_(as_)
    return await client.post(f"/api/v1/forms/{form_id}", json={"values": values})


async def status(testbot: TestBot, who: str, file: dict[str, Any]) -> int:
    return (await (await testbot.as_(who)).get(file["url"])).status_code


def replies(response: httpx.Response) -> list[str]:
    return [reply["text"] for reply in response.json()["replies"]]


async def test_a_file_sent_from_a_public_channel_reaches_the_bot_and_nobody_else(
    filebot: TestBot,
) -> None:
    note = await upload(filebot, "bob")
    sent = await send_note(filebot, "general", {"note": [note["id"]]})
    assert sent.status_code == 200, sent.text
    assert replies(sent) == ["received note.pdf"]  # the bot read it (ctx.get_file)
    assert await status(filebot, "bob", note) == 200
    for other in ("carol", "alice", "gina"):  # carol and alice are in #general
        assert await status(filebot, other, note) == 404


@pytest.mark.parametrize("channel", ["general", "dm"])
async def test_the_bot_shares_with_the_approver_alone(filebot: TestBot, channel: str) -> None:
    await open_direct(filebot, "bob", "carol")
    note = await upload(filebot, "bob")
    sent = await send_note(
        filebot, channel, {"note": [note["id"]], "approvers": [filebot.seed.id("alice")]}
    )
    assert sent.status_code == 200, sent.text
    got = await (await filebot.as_("alice")).get(note["url"])
    assert got.status_code == 200 and got.content == PDF
    # carol is in #general and is the colleague of the DM: neither makes her a reader.
    assert await status(filebot, "carol", note) == 404
    assert await status(filebot, "gina", note) == 404


async def test_the_bot_shares_with_a_channel_its_readers_read_it(filebot: TestBot) -> None:
    general, shared = filebot.channel("general"), filebot.channel("shared")
    to_general = await upload(filebot, "bob", "general.pdf")
    sent = await send_note(filebot, "general", {"note": [to_general["id"]], "channel": general})
    assert sent.status_code == 200, sent.text
    assert await status(filebot, "carol", to_general) == 200
    assert await status(filebot, "gina", to_general) == 404  # a guest, not in #general

    # In the partner room (private; the bot answers there for bob, who typed the command):
    # its guest reads it, staff outside it do not.
    to_partners = await upload(filebot, "bob", "partners.pdf")
    sent = await send_note(filebot, "shared", {"note": [to_partners["id"]], "channel": shared})
    assert sent.status_code == 200, sent.text
    assert await status(filebot, "gina", to_partners) == 200
    assert await status(filebot, "carol", to_partners) == 404


async def test_a_channel_the_bot_may_not_post_in_is_refused(filebot: TestBot) -> None:
    # #internal is private and the bot is no member; the command came from #general.
    note = await upload(filebot, "bob")
    sent = await send_note(
        filebot, "general", {"note": [note["id"]], "channel": filebot.channel("internal")}
    )
    assert sent.status_code == 404, sent.text
    assert sent.json()["error"]["code"] == "channel_not_found"
    assert await status(filebot, "alice", note) == 404  # alice is in #internal


async def test_sharing_a_file_the_bot_was_not_given_is_refused_and_keeps_nothing(
    filebot: TestBot, database_url: str
) -> None:
    before = len(await filebot.messages())
    given = await upload(filebot, "bob", "given.pdf")
    kept_back = await upload(filebot, "bob", "kept-back.pdf")  # never sent to the bot
    sent = await send_note(
        filebot,
        "general",
        {
            "note": [given["id"]],
            "foreign": kept_back["id"],
            "approvers": [filebot.seed.id("alice")],
        },
    )
    assert sent.status_code == 404, sent.text
    error = sent.json()["error"]
    assert error["code"] == "not_found"
    assert f"No file {kept_back['id']} given to this bot" in error["message"]
    # Nothing of the handler is kept: not its post, not the file given to it, not the form.
    assert len(await filebot.messages()) == before
    assert await status(filebot, "alice", given) == 404
    assert await status(filebot, "alice", kept_back) == 404
    assert await count_rows(database_url, "upload_grant") == 0
    assert await count_rows(database_url, "bot_form", "submitted_at IS NOT NULL") == 0


async def test_share_files_takes_a_channel_or_people_not_both(filebot: TestBot) -> None:
    note = await upload(filebot, "bob")
    sent = await send_note(
        filebot,
        "general",
        {"note": [note["id"]], "foreign": "both", "approvers": [filebot.seed.id("alice")]},
    )
    assert sent.status_code == 400, sent.text
    assert "exactly one of them" in sent.json()["error"]["message"]
    assert await status(filebot, "alice", note) == 404


async def test_a_guest_is_never_given_a_file_outside_their_channels(filebot: TestBot) -> None:
    note = await upload(filebot, "bob")
    sent = await send_note(
        filebot, "general", {"note": [note["id"]], "approvers": [filebot.seed.id("gina")]}
    )
    assert sent.status_code == 400, sent.text
    assert "is a guest" in sent.json()["error"]["message"]
    assert await status(filebot, "gina", note) == 404
