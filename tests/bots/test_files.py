"""Files attached through a card's `file` input: checked as the person's own uploads of an
accepted type, given to the card's bot (and no one else) in the action's transaction, named
to the bot. Sharing them on is tested in tests/bots/test_file_sharing.py."""

from __future__ import annotations

from typing import Any

from tests.bots.conftest import TestBot

PDF = b"%PDF-1.4\n% receipt\n"


async def upload(
    testbot: TestBot, who: str, name: str, body: bytes, content_type: str
) -> dict[str, Any]:
    client = await testbot.as_(who)
    response = await client.post(
        "/api/v1/files", params={"name": name}, content=body, headers={"Content-Type": content_type}
    )
    assert response.status_code == 201, response.text
    file: dict[str, Any] = response.json()
    return file


async def receipt_card(testbot: TestBot) -> dict[str, Any]:
    response = await testbot.command("/receipt")
    assert response.status_code == 200, response.text
    message: dict[str, Any] = response.json()["messages"][0]
    return message


async def test_an_attached_file_reaches_the_bot_and_no_one_else(testbot: TestBot) -> None:
    file = await upload(testbot, "bob", "taxi.pdf", PDF, "application/pdf")
    carol, gina = await testbot.as_("carol"), await testbot.as_("gina")
    assert (await carol.get(file["url"])).status_code == 404
    card = await receipt_card(testbot)

    response = await testbot.click(card, "attach", values={"files": [file["id"]]})
    assert response.status_code == 200, response.text
    text = response.json()["message"]["card"]["blocks"][0]["text"]
    assert f"taxi.pdf (application/pdf, {len(PDF)} bytes) /api/v1/files/{file['id']}" in text

    # The card is in #general, but only its bot was given the file: until the bot shares
    # it, carol (in #general) and gina (a guest outside it) cannot read it.
    assert (await carol.get(file["url"])).status_code == 404
    assert (await gina.get(file["url"])).status_code == 404


async def test_only_your_own_uploads_of_an_accepted_type_are_taken(testbot: TestBot) -> None:
    card = await receipt_card(testbot)
    alices = await upload(testbot, "alice", "hers.pdf", PDF, "application/pdf")
    text = await upload(testbot, "bob", "notes.txt", b"hello", "text/plain")

    theirs = await testbot.click(card, "attach", values={"files": [alices["id"]]})
    assert theirs.status_code == 400
    error = theirs.json()["error"]
    assert error["code"] == "validation_failed"
    assert error["details"]["field"] == "files"
    assert f"{alices['id']} is not one of your uploads" in error["message"]

    wrong_type = await testbot.click(card, "attach", values={"files": [text["id"]]})
    assert wrong_type.status_code == 400
    assert (
        "notes.txt is text/plain; this input takes application/pdf, image/*"
        in wrong_type.json()["error"]["message"]
    )

    # Refused actions keep nothing: the card is still at its first version and nobody else
    # can read the files.
    assert (await testbot.card(card["id"]))["message"]["card_version"] == card["card_version"]
    carol = await testbot.as_("carol")
    assert (await carol.get(alices["url"])).status_code == 404
