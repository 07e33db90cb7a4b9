"""Bot apps over HTTP: a bot's routes under /api/v1/apps/<bot>/, the list of apps, and the
apps' page files (docs/apps.md). Every response is checked against /openapi.json."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from hub.app import openapi_document
from hub.config import Settings
from tests.api.conftest import ORIGIN, PASSWORD, ClientFactory, World, settings_for

BOTS = ["poll", "tests.api.appbot:bot"]


@pytest.fixture
def settings(world: World, tmp_path: Any) -> Settings:
    return settings_for(world, tmp_path, bots=BOTS)


def code(response: httpx.Response) -> str:
    value: str = response.json()["error"]["code"]
    return value


def test_the_bots_routes_are_in_the_document(settings: Settings) -> None:
    paths = openapi_document(settings)["paths"]
    assert paths["/api/v1/apps/appbot/whoami"]["get"]["summary"] == (
        "appbot: Who is calling, and the query they sent."
    )
    assert set(paths["/api/v1/apps/appbot/notes/{note_id}"]) == {"put"}
    body = paths["/api/v1/apps/appbot/notes"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Note"}
    # The default hub (poll only) documents the poll app's route, not the test bot's.
    default = openapi_document()["paths"]
    assert "/api/v1/apps/poll/polls" in default and "/api/v1/apps/appbot/whoami" not in default


async def test_a_route_needs_sign_in_and_knows_the_caller(
    anon: httpx.AsyncClient, bob: httpx.AsyncClient
) -> None:
    refused = await anon.get("/api/v1/apps/appbot/whoami")
    assert refused.status_code == 401 and code(refused) == "not_authenticated"
    answered = await bob.get("/api/v1/apps/appbot/whoami", params={"x": "1"})
    assert answered.status_code == 200
    assert answered.json() == {"username": "bob", "query": {"x": "1"}}


async def test_guests_only_where_the_route_says(gina: httpx.AsyncClient) -> None:
    refused = await gina.get("/api/v1/apps/appbot/whoami")
    assert refused.status_code == 404 and code(refused) == "not_found"
    taken = await gina.post("/api/v1/apps/appbot/notes", json={"text": "hi", "count": 2})
    assert taken.status_code == 200 and taken.json() == {"text": "hihi"}


async def test_bot_error_is_a_400_in_the_readers_language(
    bob: httpx.AsyncClient, alice: httpx.AsyncClient
) -> None:
    for client, locale in ((alice, "zh-CN"), (bob, "en")):
        changed = await client.patch("/api/v1/me", json={"locale": locale})
        assert changed.status_code == 200, changed.text
    english = await bob.post("/api/v1/apps/appbot/notes", json={"text": "no", "count": 1})
    assert english.status_code == 400 and code(english) == "bad_request"
    assert english.json()["error"]["message"] == "No notes saying no."
    chinese = await alice.post("/api/v1/apps/appbot/notes", json={"text": "no", "count": 1})
    assert chinese.status_code == 400 and chinese.json()["error"]["message"] == "不能记“不”。"


async def test_the_body_is_checked_before_the_handler(bob: httpx.AsyncClient) -> None:
    wrong = await bob.post("/api/v1/apps/appbot/notes", json={"text": "hi", "count": 9})
    assert wrong.status_code == 400 and code(wrong) == "validation_failed"
    assert "count" in wrong.text
    missing = await bob.post("/api/v1/apps/appbot/notes", json={"count": 1})
    assert missing.status_code == 400 and "text" in missing.text
    garbled = await bob.post(
        "/api/v1/apps/appbot/notes",
        content=b"{nope",
        headers={"content-type": "application/json"},
    )
    assert garbled.status_code == 400 and code(garbled) == "invalid_json"
    replaced = await bob.put("/api/v1/apps/appbot/notes/7", json=[1, "two"])
    assert replaced.status_code == 200 and replaced.json() == {"id": 7, "got": [1, "two"]}


async def test_an_answer_that_is_not_json_is_the_bots_failure(bob: httpx.AsyncClient) -> None:
    failed = await bob.get("/api/v1/apps/appbot/broken")
    assert failed.status_code == 502 and code(failed) == "bot_failed"


async def test_a_cookie_change_needs_the_origin(make_client: ClientFactory) -> None:
    client = make_client()
    signed = await client.post(
        "/api/v1/auth/sign-in", json={"username": "bob", "password": PASSWORD}
    )
    assert signed.status_code == 200, signed.text
    refused = await client.post("/api/v1/apps/appbot/notes", json={"text": "a", "count": 1})
    assert refused.status_code == 403 and code(refused) == "origin_not_allowed"
    taken = await client.post(
        "/api/v1/apps/appbot/notes",
        json={"text": "a", "count": 1},
        headers={"origin": ORIGIN},
    )
    assert taken.status_code == 200


async def test_the_apps_a_person_may_open(
    bob: httpx.AsyncClient, gina: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    listed = await bob.get("/api/v1/apps")
    assert listed.status_code == 200
    assert listed.json()["apps"] == [
        {
            "bot": "poll",
            "title": {"en": "Polls", "zh-CN": "投票"},
            "icon": "📊",
            "entry": "/apps/poll/index.js",
            "api": "/api/v1/apps/poll",
        }
    ]
    assert (await gina.get("/api/v1/apps")).json()["apps"] == []
    assert (await anon.get("/api/v1/apps")).status_code == 401


async def test_page_files_are_served_with_safe_paths_only(app: Starlette) -> None:
    # Files, like the web client's own, are not API operations: a client without the recorder.
    anon = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
    entry = await anon.get("/apps/poll/index.js")
    assert entry.status_code == 200 and "export async function mount" in entry.text
    assert entry.headers["content-type"].startswith("text/javascript")
    assert entry.headers["x-content-type-options"] == "nosniff"
    for path in (
        "/apps/poll/../__init__.py",
        "/apps/poll/%2e%2e/__init__.py",
        "/apps/poll/..%2F__init__.py",
        "/apps/poll/.hidden.js",
        "/apps/poll/missing.js",
        "/apps/appbot/index.js",
        "/apps/nobot/index.js",
    ):
        refused = await anon.get(path)
        assert refused.status_code == 404, path
        assert "mount" not in refused.text and "import" not in refused.text


async def test_the_poll_app_lists_polls_the_reader_can_read(
    bob: httpx.AsyncClient,
    carol: httpx.AsyncClient,
    alice: httpx.AsyncClient,
    gina: httpx.AsyncClient,
    world: World,
) -> None:
    made = await bob.post(
        "/api/v1/channels", json={"kind": "private", "name": "lunch", "member_ids": [world.carol]}
    )
    assert made.status_code == 201, made.text
    channel = made.json()["channel"]["id"]
    ran = await bob.post(
        f"/api/v1/channels/{channel}/commands", json={"text": '/poll "Where?" Noodles Rice'}
    )
    assert ran.status_code == 200, ran.text
    card = ran.json()["messages"][0]
    voted = await carol.post(
        f"/api/v1/messages/{card['id']}/card/actions",
        json={"action_id": "vote_1", "version": card["card_version"]},
    )
    assert voted.status_code == 200, voted.text
    (poll,) = (await carol.get("/api/v1/apps/poll/polls")).json()["polls"]
    assert poll["question"] == "Where?" and poll["votes"] == 1 and poll["channel_id"] == channel
    assert poll["message_id"] == card["id"] and poll["closed"] is False
    # Alice is not in the private channel: she sees no poll of it.
    alice_sees = await alice.get("/api/v1/apps/poll/polls")
    assert alice_sees.json() == {"polls": []}
    refused = await gina.get("/api/v1/apps/poll/polls")
    assert refused.status_code == 404
