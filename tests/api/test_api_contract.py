"""The router's own answers and the request bodies hold to /openapi.json (issue 10, section 3).

Responses through the `alice` client are validated against the document by the recorder;
a path no route matches, or a method no route takes, is not an operation of the document,
so those go through a plain client and are checked here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from hub.app import openapi_document
from tests.api.conftest import CreateChannel


@pytest.fixture
async def plain(app: Starlette, alice: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    """Alice's token on a client that does not validate against the document."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", headers=alice.headers
    ) as client:
        yield client


async def test_an_id_that_is_not_a_whole_number_is_not_found(
    alice: httpx.AsyncClient, plain: httpx.AsyncClient
) -> None:
    # Documented: the recorder checks this 404 against the operation's responses.
    negative = await alice.post("/api/v1/channels/-9272/unarchive")
    assert negative.status_code == 404 and negative.json()["error"]["code"] == "not_found"
    for path in ("/api/v1/messages/null%2Cnull/card", "/api/v1/nothing-here"):
        response = await plain.post(path)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "not_found"
        assert "/openapi.json" in response.json()["error"]["message"]


async def test_a_method_no_route_takes_is_405_with_allow(plain: httpx.AsyncClient) -> None:
    channel = await plain.request("TRACE", "/api/v1/channels/1")
    assert channel.status_code == 405
    assert channel.json()["error"]["code"] == "method_not_allowed"
    # Every route of the path counts, not only the first Starlette tried.
    assert channel.headers["allow"] == "GET, HEAD, PATCH"
    health = await plain.delete("/healthz")
    assert health.status_code == 405 and health.headers["allow"] == "GET, HEAD"
    static = await plain.post("/index.html")
    assert static.status_code == 405 and static.headers["allow"] == "GET, HEAD"


async def test_bodies_are_strict_about_types(
    alice: httpx.AsyncClient, create_channel: CreateChannel
) -> None:
    shared = await alice.post("/api/v1/channels", json={"name": "x", "kind": "public", "shared": 0})
    assert shared.status_code == 400
    assert shared.json()["error"]["code"] == "validation_failed"
    assert "`shared`" in shared.json()["error"]["message"]
    channel = await create_channel(alice, "strict")
    text_seq = await alice.post(f"/api/v1/channels/{channel['id']}/read", json={"seq": "1"})
    assert text_seq.status_code == 400 and "`seq`" in text_seq.json()["error"]["message"]
    # JSON's 1.0 is the integer 1, as JSON Schema reads it.
    whole = await alice.post(f"/api/v1/channels/{channel['id']}/read", json={"seq": 1.0})
    assert whole.status_code == 200, whole.text


async def test_an_empty_change_is_refused_and_documented(
    alice: httpx.AsyncClient, create_channel: CreateChannel
) -> None:
    nothing = await alice.patch("/api/v1/me")
    assert nothing.status_code == 400
    message = nothing.json()["error"]["message"]
    assert "`locale`, `time_zone`, `display_name`" in message
    null = await alice.patch("/api/v1/me", json={"locale": None})
    assert null.status_code == 400 and "`locale`" in null.json()["error"]["message"]
    channel = await create_channel(alice, "change")
    empty = await alice.patch(f"/api/v1/channels/{channel['id']}", json={})
    assert empty.status_code == 400 and "`topic`, `name`" in empty.json()["error"]["message"]
    changed = await alice.patch("/api/v1/me", json={"locale": "en"})
    assert changed.status_code == 200 and changed.json()["person"]["locale"] == "en"

    schemas = openapi_document()["components"]["schemas"]
    for name in ("MeUpdate", "UpdateChannelBody"):
        assert schemas[name]["minProperties"] == 1
        assert all("null" not in str(field) for field in schemas[name]["properties"].values())
