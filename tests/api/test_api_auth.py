"""Sign-in, sign-out, cookies, bearer tokens, failure limits and WebSocket tickets."""

from __future__ import annotations

from typing import Any

import httpx

PASSWORD = "correct horse battery"
ORIGIN = "http://127.0.0.1:8000"


def code(response: httpx.Response) -> str:
    value: str = response.json()["error"]["code"]
    return value


def cookie_attributes(response: httpx.Response) -> dict[str, Any]:
    header = response.headers["set-cookie"]
    name_value, *attributes = [part.strip() for part in header.split(";")]
    found: dict[str, Any] = {"_": name_value}
    for attribute in attributes:
        key, _, value = attribute.partition("=")
        found[key.lower()] = value or True
    return found


async def test_web_sign_in_sets_a_locked_down_cookie_and_sign_out_ends_it(
    anon: httpx.AsyncClient, make_client: Any, world: Any
) -> None:
    response = await anon.post(
        "/api/v1/auth/sign-in", json={"username": "alice", "password": PASSWORD}
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"person"}
    assert body["person"]["username"] == "alice"
    assert body["person"]["org"] == {"id": world.home_org, "name": "Acme", "kind": "home"}
    cookie = cookie_attributes(response)
    assert cookie["_"].startswith("hub_session=")
    assert cookie["httponly"] is True
    assert cookie["samesite"].lower() == "lax"
    assert cookie["path"] == "/"
    assert int(cookie["max-age"]) == 14 * 24 * 3600
    assert "secure" not in cookie

    me = await anon.get("/api/v1/me")
    assert me.status_code == 200 and me.json()["person"]["id"] == world.alice

    out = await anon.post("/api/v1/auth/sign-out", headers={"Origin": ORIGIN})
    assert out.status_code == 204
    assert "hub_session=" in out.headers["set-cookie"]
    stale = make_client()
    stale.cookies.set("hub_session", cookie["_"].split("=", 1)[1])
    again = await stale.get("/api/v1/me")
    assert again.status_code == 401 and code(again) == "not_authenticated"


async def test_cookie_is_secure_over_https(make_client: Any) -> None:
    client = make_client(base_url="https://testserver")
    response = await client.post(
        "/api/v1/auth/sign-in", json={"username": "bob", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert cookie_attributes(response)["secure"] is True


async def test_api_sign_in_gives_a_bearer_token_and_no_cookie(
    anon: httpx.AsyncClient, make_client: Any, world: Any
) -> None:
    response = await anon.post(
        "/api/v1/auth/sign-in", json={"username": "bob", "password": PASSWORD, "client": "api"}
    )
    assert response.status_code == 200
    assert "set-cookie" not in response.headers
    token = response.json()["token"]
    assert response.json()["expires_at"]
    client = make_client(headers={"Authorization": f"Bearer {token}"})
    me = await client.get("/api/v1/me")
    assert me.status_code == 200 and me.json()["person"]["id"] == world.bob

    assert (await client.post("/api/v1/auth/sign-out")).status_code == 204
    after = await client.get("/api/v1/me")
    assert after.status_code == 401 and code(after) == "not_authenticated"
    # Signing out again is harmless.
    assert (await client.post("/api/v1/auth/sign-out")).status_code == 204


async def test_signing_out_everywhere_ends_every_session_and_token(
    anon: httpx.AsyncClient, make_client: Any
) -> None:
    tokens = []
    for _ in range(2):
        response = await anon.post(
            "/api/v1/auth/sign-in",
            json={"username": "bob", "password": PASSWORD, "client": "api"},
        )
        tokens.append(response.json()["token"])
    web = make_client()
    signed_in = await web.post(
        "/api/v1/auth/sign-in", json={"username": "bob", "password": PASSWORD}
    )
    assert signed_in.status_code == 200
    carol = make_client()
    await carol.post("/api/v1/auth/sign-in", json={"username": "carol", "password": PASSWORD})
    phone, laptop = (make_client(headers={"Authorization": f"Bearer {t}"}) for t in tokens)

    # A cookie session is a browser's: the change needs its Origin like any other.
    refused = await web.post("/api/v1/auth/sign-out-everywhere")
    assert refused.status_code == 403 and code(refused) == "origin_not_allowed"
    done = await phone.post("/api/v1/auth/sign-out-everywhere")
    assert done.status_code == 204
    for client in (phone, laptop, web):
        after = await client.get("/api/v1/me")
        assert after.status_code == 401 and code(after) == "not_authenticated"
    assert (await carol.get("/api/v1/me")).status_code == 200
    # Signed out, it cannot be asked again: there is no session left to end.
    again = await phone.post("/api/v1/auth/sign-out-everywhere")
    assert again.status_code == 401 and code(again) == "not_authenticated"


async def test_unauthenticated_requests_get_401(anon: httpx.AsyncClient) -> None:
    response = await anon.get("/api/v1/channels")
    assert response.status_code == 401 and code(response) == "not_authenticated"
    assert "sign-in" in response.json()["error"]["message"]
    bad = await anon.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401


async def test_wrong_password_and_bad_bodies(anon: httpx.AsyncClient) -> None:
    wrong = await anon.post(
        "/api/v1/auth/sign-in", json={"username": "alice", "password": "nope nope nope"}
    )
    assert wrong.status_code == 401 and code(wrong) == "invalid_credentials"
    missing = await anon.post("/api/v1/auth/sign-in", json={"username": "alice"})
    assert missing.status_code == 400 and code(missing) == "validation_failed"
    broken = await anon.post(
        "/api/v1/auth/sign-in", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert broken.status_code == 400 and code(broken) == "invalid_json"
    odd_client = await anon.post(
        "/api/v1/auth/sign-in", json={"username": "alice", "password": PASSWORD, "client": "tv"}
    )
    assert odd_client.status_code == 400 and code(odd_client) == "validation_failed"


async def test_deactivated_account_is_refused(anon: httpx.AsyncClient) -> None:
    response = await anon.post(
        "/api/v1/auth/sign-in", json={"username": "dave", "password": PASSWORD}
    )
    assert response.status_code == 403 and code(response) == "account_deactivated"


async def test_sixth_failed_sign_in_is_locked_with_retry_after(anon: httpx.AsyncClient) -> None:
    for _ in range(5):
        response = await anon.post(
            "/api/v1/auth/sign-in", json={"username": "bob", "password": "wrong password"}
        )
        assert response.status_code == 401
    locked = await anon.post("/api/v1/auth/sign-in", json={"username": "bob", "password": PASSWORD})
    assert locked.status_code == 429 and code(locked) == "too_many_attempts"
    retry_after = int(locked.headers["retry-after"])
    assert 0 < retry_after <= 30 * 60
    message = locked.json()["error"]["message"]
    assert "Try again in" in message and "UTC" in message
    assert locked.json()["error"]["details"]["retry_after_seconds"] == retry_after


async def test_failures_from_one_address_lock_the_address(anon: httpx.AsyncClient) -> None:
    for name in ["x1", "x2", "x3", "x4", "x5"]:
        response = await anon.post(
            "/api/v1/auth/sign-in", json={"username": name, "password": "wrong password"}
        )
        assert response.status_code == 401
    locked = await anon.post(
        "/api/v1/auth/sign-in", json={"username": "carol", "password": PASSWORD}
    )
    assert locked.status_code == 429 and code(locked) == "too_many_attempts"
    assert "retry-after" in locked.headers


async def test_cookie_writes_need_an_allowed_origin(anon: httpx.AsyncClient) -> None:
    foreign = await anon.post(
        "/api/v1/auth/sign-in",
        json={"username": "alice", "password": PASSWORD},
        headers={"Origin": "https://evil.example"},
    )
    assert foreign.status_code == 403 and code(foreign) == "origin_not_allowed"
    signed_in = await anon.post(
        "/api/v1/auth/sign-in", json={"username": "alice", "password": PASSWORD}
    )
    assert signed_in.status_code == 200
    refused = await anon.post("/api/v1/auth/ws-ticket", headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403 and code(refused) == "origin_not_allowed"
    allowed = await anon.post("/api/v1/auth/ws-ticket", headers={"Origin": ORIGIN})
    assert allowed.status_code == 200


async def test_cookie_writes_without_origin_are_checked_by_referer_else_refused(
    anon: httpx.AsyncClient, bob: httpx.AsyncClient
) -> None:
    # OWASP's order: Origin, else the Referer's origin, else refuse (for cookie sessions).
    signed_in = await anon.post(
        "/api/v1/auth/sign-in", json={"username": "alice", "password": PASSWORD}
    )
    assert signed_in.status_code == 200
    bare = await anon.post("/api/v1/auth/ws-ticket")
    assert bare.status_code == 403 and code(bare) == "origin_not_allowed"
    assert "Authorization: Bearer" in bare.json()["error"]["message"]
    referred = await anon.post(
        "/api/v1/auth/ws-ticket", headers={"Referer": f"{ORIGIN}/channels/1?x=y"}
    )
    assert referred.status_code == 200
    foreign = await anon.post(
        "/api/v1/auth/ws-ticket", headers={"Referer": "https://evil.example/page"}
    )
    assert foreign.status_code == 403 and code(foreign) == "origin_not_allowed"
    assert "https://evil.example" in foreign.json()["error"]["message"]
    # Reading needs no Origin, and bearer tokens are not sent by browsers on their own.
    assert (await anon.get("/api/v1/me")).status_code == 200
    assert (await bob.post("/api/v1/auth/ws-ticket")).status_code == 200


async def test_ws_ticket(bob: httpx.AsyncClient, anon: httpx.AsyncClient) -> None:
    response = await bob.post("/api/v1/auth/ws-ticket")
    assert response.status_code == 200
    body = response.json()
    assert len(body["ticket"]) > 20 and body["expires_in"] == 30
    assert (await bob.post("/api/v1/auth/ws-ticket")).json()["ticket"] != body["ticket"]
    unauthenticated = await anon.post("/api/v1/auth/ws-ticket")
    assert unauthenticated.status_code == 401 and code(unauthenticated) == "not_authenticated"
