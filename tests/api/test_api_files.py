"""Uploading and downloading files (the `file` inputs of cards and forms; sharing them with a
channel through a card action is tested with a real bot in tests/bots/test_files.py)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from hub.config import Settings
from hub.db import create_engine
from hub.files.models import upload_share_table, upload_table
from hub.files.prune import prune_unshared
from hub.files.storage import file_path
from hub.models import utcnow
from tests.api.conftest import ClientFactory, CreateChannel, World, settings_for

PDF = b"%PDF-1.4\n% a tiny receipt\n"


@pytest.fixture
def settings(world: World, tmp_path: Path) -> Settings:
    return settings_for(world, tmp_path, max_upload_bytes=4096, unattached_upload_quota_bytes=6000)


async def upload(
    client: httpx.AsyncClient, name: str, body: bytes, content_type: str
) -> httpx.Response:
    return await client.post(
        "/api/v1/files", params={"name": name}, content=body, headers={"Content-Type": content_type}
    )


async def test_an_upload_is_its_owners_alone_until_shared(
    bob: httpx.AsyncClient, carol: httpx.AsyncClient, gina: httpx.AsyncClient, tmp_path: Path
) -> None:
    response = await upload(bob, "C:\\Users\\bob\\发票 receipt.pdf", PDF, "application/pdf")
    assert response.status_code == 201, response.text
    file = response.json()
    assert file["name"] == "发票 receipt.pdf"
    assert file["content_type"] == "application/pdf"
    assert file["size"] == len(PDF)
    assert file["id"].startswith("f_") and file["url"] == f"/api/v1/files/{file['id']}"
    assert not list((tmp_path / "files").rglob("*.part")), "no partial file is left behind"

    got = await bob.get(file["url"])
    assert got.status_code == 200
    assert got.content == PDF
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"].startswith("inline; filename*=UTF-8''")
    assert got.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in got.headers["content-security-policy"]

    for other in (carol, gina):
        refused = await other.get(file["url"])
        assert refused.status_code == 404
        assert refused.json()["error"]["code"] == "not_found"
    assert (await bob.get("/api/v1/files/f_nosuchfile")).status_code == 404


async def test_a_file_that_could_run_script_is_only_ever_an_attachment(
    bob: httpx.AsyncClient,
) -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    file = (await upload(bob, "logo.svg", svg, "image/svg+xml")).json()
    assert file["content_type"] == "image/svg+xml"
    got = await bob.get(file["url"])
    assert got.headers["content-type"] == "application/octet-stream"
    assert got.headers["content-disposition"].startswith("attachment;")
    odd = (await upload(bob, "x.bin", b"\x00\x01", "not a type")).json()
    assert odd["content_type"] == "application/octet-stream"


async def test_bad_uploads_are_refused_and_keep_nothing(
    bob: httpx.AsyncClient, tmp_path: Path
) -> None:
    too_big = await upload(bob, "big.pdf", b"x" * 5000, "application/pdf")
    assert too_big.status_code == 413
    assert too_big.json()["error"]["code"] == "payload_too_large"
    assert "smaller" in too_big.json()["error"]["message"]

    empty = await upload(bob, "empty.pdf", b"", "application/pdf")
    assert empty.status_code == 400
    assert empty.json()["error"]["message"] == "The file is empty; choose another one."

    nameless = await bob.post("/api/v1/files", content=PDF)
    assert nameless.status_code == 400
    assert "`name`" in nameless.json()["error"]["message"]

    stored = (
        [p for p in (tmp_path / "files").rglob("*") if p.is_file()]
        if (tmp_path / "files").exists()
        else []
    )
    assert stored == []


async def test_uploading_needs_a_signed_in_person(anon: httpx.AsyncClient) -> None:
    response = await upload(anon, "a.pdf", PDF, "application/pdf")
    assert response.status_code == 401


async def test_uploads_nobody_attached_are_pruned_after_a_while(
    bob: httpx.AsyncClient, settings: Settings, create_channel: CreateChannel, tmp_path: Path
) -> None:
    channel = await create_channel(bob, "receipts")
    old_unshared = (await upload(bob, "old.pdf", PDF, "application/pdf")).json()
    old_shared = (await upload(bob, "kept.pdf", PDF, "application/pdf")).json()
    fresh = (await upload(bob, "new.pdf", PDF, "application/pdf")).json()
    engine = create_engine(settings.database_url)
    try:
        async with engine.begin() as conn:
            week_ago = utcnow() - timedelta(days=8)
            await conn.execute(
                sa.update(upload_table)
                .where(upload_table.c.id.in_([old_unshared["id"], old_shared["id"]]))
                .values(created_at=week_ago)
            )
            await conn.execute(
                sa.insert(upload_share_table).values(
                    upload_id=old_shared["id"],
                    channel_id=channel["id"],
                    created_at=week_ago,
                )
            )
        removed = await prune_unshared(engine, settings.data_dir, older_than=timedelta(days=7))
    finally:
        await engine.dispose()
    assert removed == 1
    assert (await bob.get(old_unshared["url"])).status_code == 404
    assert not file_path(tmp_path, old_unshared["id"]).exists()
    for kept in (old_shared, fresh):
        assert (await bob.get(kept["url"])).status_code == 200


async def test_a_person_cannot_hoard_unattached_uploads(
    bob: httpx.AsyncClient,
    alice: httpx.AsyncClient,
    settings: Settings,
    create_channel: CreateChannel,
) -> None:
    first = (await upload(bob, "a.pdf", b"a" * 3000, "application/pdf")).json()
    assert (await upload(bob, "b.pdf", b"b" * 3000, "application/pdf")).status_code == 201
    full = await upload(bob, "c.pdf", b"c" * 100, "application/pdf")
    assert full.status_code == 413
    assert full.json()["error"]["message"].startswith(
        "You already have 0 MiB of files not attached"
    )
    # Another person's room is their own; attaching frees the uploader's.
    assert (await upload(alice, "d.pdf", b"d" * 100, "application/pdf")).status_code == 201
    channel = await create_channel(bob, "claims")
    engine = create_engine(settings.database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                sa.insert(upload_share_table).values(
                    upload_id=first["id"], channel_id=channel["id"], created_at=utcnow()
                )
            )
    finally:
        await engine.dispose()
    assert (await upload(bob, "c.pdf", b"c" * 100, "application/pdf")).status_code == 201


async def test_a_long_name_is_shortened_keeping_its_extension(bob: httpx.AsyncClient) -> None:
    long_name = "报销" * 150 + ".pdf"
    file = (await upload(bob, long_name, PDF, "application/pdf")).json()
    assert len(file["name"]) == 200
    assert file["name"].endswith(".pdf")


async def test_an_external_bot_shares_the_files_it_was_given(
    alice: httpx.AsyncClient,
    bob: httpx.AsyncClient,
    carol: httpx.AsyncClient,
    gina: httpx.AsyncClient,
    make_client: ClientFactory,
    world: World,
) -> None:
    erp = (await alice.post("/api/v1/bots", json={"name": "erp", "display_name": "ERP"})).json()
    secret = (await alice.post(f"/api/v1/bots/{erp['id']}/tokens")).json()["token"]
    bot = make_client(headers={"Authorization": f"Bearer {secret}"})
    room = await bob.post(
        "/api/v1/channels",
        json={"kind": "private", "name": "claims", "member_ids": [erp["id"], world.carol]},
    )
    channel = room.json()["channel"]["id"]
    card = {
        "schema": 1,
        "header": {"title": "Claim 报销"},
        "blocks": [
            {"type": "input", "kind": "file", "name": "receipt", "label": "Receipt"},
            {"type": "actions", "actions": [{"id": "send", "label": "Send"}]},
        ],
    }
    posted = await bot.post(
        f"/api/v1/channels/{channel}/messages",
        json={"text": "", "client_msg_id": "claim-1", "card": card},
    )
    message = posted.json()["message"]
    receipt = (await upload(bob, "taxi.pdf", PDF, "application/pdf")).json()
    kept_back = (await upload(bob, "other.pdf", PDF, "application/pdf")).json()
    sent = await bob.post(
        f"/api/v1/messages/{message['id']}/card/actions",
        json={"action_id": "send", "version": 1, "values": {"receipt": [receipt["id"]]}},
    )
    assert sent.status_code == 200, sent.text
    # Given to the card's bot alone: carol, in the channel, still cannot read it.
    assert (await bot.get(receipt["url"])).content == PDF
    assert (await carol.get(receipt["url"])).status_code == 404

    share = "/api/v1/bot/files/share"
    # One file it was not given refuses the whole request: nothing is shared.
    mixed = await bot.post(
        share, json={"file_ids": [receipt["id"], kept_back["id"]], "person_ids": [world.alice]}
    )
    assert mixed.status_code == 404
    assert f"No file {kept_back['id']} given to this bot" in mixed.json()["error"]["message"]
    assert (await alice.get(receipt["url"])).status_code == 404

    to_alice = await bot.post(
        share, json={"file_ids": [receipt["id"]], "person_ids": [world.alice]}
    )
    assert to_alice.status_code == 200, to_alice.text
    assert to_alice.json()["files"] == [receipt]
    assert (await alice.get(receipt["url"])).status_code == 200
    assert (await carol.get(receipt["url"])).status_code == 404
    to_room = await bot.post(share, json={"file_ids": [receipt["id"]], "channel_id": channel})
    assert to_room.status_code == 200, to_room.text
    assert (await carol.get(receipt["url"])).status_code == 200
    assert (await gina.get(receipt["url"])).status_code == 404

    both = {"file_ids": [receipt["id"]], "channel_id": channel, "person_ids": [world.alice]}
    refusals = [
        (bot, {"file_ids": [kept_back["id"]], "channel_id": channel}, 404),
        (bot, {"file_ids": [receipt["id"]], "person_ids": [world.gina]}, 400),  # a guest
        (bot, {"file_ids": [receipt["id"]]}, 400),
        (bot, both, 400),
        (bob, {"file_ids": [receipt["id"]], "person_ids": [world.carol]}, 403),  # not a bot
    ]
    for client, body, status in refusals:
        refused = await client.post(share, json=body)
        assert refused.status_code == status, (body, refused.text)
    assert (await carol.get(kept_back["url"])).status_code == 404
    assert (await gina.get(receipt["url"])).status_code == 404
