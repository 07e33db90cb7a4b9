"""Profiles, settings, the directory, presence and the department tree, and what guests may see."""

from __future__ import annotations

from typing import Any

import httpx


def code(response: httpx.Response) -> str:
    value: str = response.json()["error"]["code"]
    return value


async def test_me_is_the_full_profile(bob: httpx.AsyncClient, world: Any) -> None:
    response = await bob.get("/api/v1/me")
    assert response.status_code == 200
    me = response.json()["person"]
    assert me["id"] == world.bob and me["username"] == "bob" and me["kind"] == "member"
    assert me["org"] == {"id": world.home_org, "name": "Acme", "kind": "home"}
    assert me["department"]["id"] == world.platform and me["department"]["name_en"] == "Platform"
    assert me["manager"]["id"] == world.alice
    assert me["title"] == "Engineer" and me["email"] == "bob@acme.example"
    assert me["locale"] == "zh-CN" and me["time_zone"] == "Asia/Shanghai" and me["roles"] == []


async def test_update_me(bob: httpx.AsyncClient) -> None:
    response = await bob.patch(
        "/api/v1/me", json={"locale": "en", "time_zone": "Europe/Berlin", "display_name": " Bobby "}
    )
    assert response.status_code == 200
    me = response.json()["person"]
    assert (me["locale"], me["time_zone"], me["display_name"]) == ("en", "Europe/Berlin", "Bobby")
    assert (await bob.get("/api/v1/me")).json()["person"]["time_zone"] == "Europe/Berlin"

    bad_zone = await bob.patch("/api/v1/me", json={"time_zone": "Mars/Olympus"})
    assert bad_zone.status_code == 400 and code(bad_zone) == "validation_failed"
    assert "IANA" in bad_zone.json()["error"]["message"]
    bad_locale = await bob.patch("/api/v1/me", json={"locale": "fr"})
    assert bad_locale.status_code == 400 and code(bad_locale) == "validation_failed"
    unknown = await bob.patch("/api/v1/me", json={"kind": "admin"})
    assert unknown.status_code == 400 and code(unknown) == "validation_failed"
    blank = await bob.patch("/api/v1/me", json={"display_name": "   "})
    assert blank.status_code == 400
    assert (await bob.get("/api/v1/me")).json()["person"]["locale"] == "en"


async def test_directory_search_and_paging(
    bob: httpx.AsyncClient, alice: httpx.AsyncClient, world: Any
) -> None:
    everyone = await bob.get("/api/v1/people")
    assert everyone.status_code == 200
    ids = [p["id"] for p in everyone.json()["people"]]
    assert world.dave not in ids and {world.alice, world.bob, world.carol, world.gina} <= set(ids)

    found = await bob.get("/api/v1/people", params={"q": "alice wang"})
    assert [p["id"] for p in found.json()["people"]] == [world.alice]
    by_title = await bob.get("/api/v1/people", params={"q": "DESIGN"})
    assert [p["id"] for p in by_title.json()["people"]] == [world.carol]
    by_email = await bob.get("/api/v1/people", params={"q": "supplier.example"})
    assert [p["id"] for p in by_email.json()["people"]] == [world.gina]
    nothing = await bob.get("/api/v1/people", params={"q": "%"})
    assert nothing.json()["people"] == []

    first = (await bob.get("/api/v1/people", params={"limit": 2})).json()
    assert len(first["people"]) == 2 and first["has_more"] is True
    paged, page = list(first["people"]), first
    while page["has_more"]:
        page = (
            await bob.get("/api/v1/people", params={"limit": 2, "after": page["next_after"]})
        ).json()
        paged += page["people"]
    assert [p["id"] for p in paged] == ids
    assert page["next_after"] is None

    refused = await bob.get("/api/v1/people", params={"include_inactive": "true"})
    assert refused.status_code == 403 and code(refused) == "forbidden"
    with_inactive = await alice.get("/api/v1/people", params={"include_inactive": "true"})
    assert world.dave in [p["id"] for p in with_inactive.json()["people"]]
    bad_limit = await bob.get("/api/v1/people", params={"limit": 1000})
    assert bad_limit.status_code == 400 and code(bad_limit) == "validation_failed"


async def test_guests_cannot_use_the_directory(gina: httpx.AsyncClient) -> None:
    for path in ("/api/v1/people", "/api/v1/departments"):
        response = await gina.get(path)
        assert response.status_code == 403 and code(response) == "forbidden"


async def test_person_profile_with_presence(bob: httpx.AsyncClient, world: Any) -> None:
    response = await bob.get(f"/api/v1/people/{world.alice}")
    assert response.status_code == 200
    alice = response.json()["person"]
    assert (
        alice["username"] == "alice"
        and alice["roles"] == ["admin"]
        and alice["presence"] == "offline"
    )
    assert alice["department"]["id"] == world.engineering
    missing = await bob.get("/api/v1/people/99999")
    assert missing.status_code == 404 and code(missing) == "person_not_found"


async def test_guest_sees_only_people_sharing_a_channel(
    gina: httpx.AsyncClient, bob: httpx.AsyncClient, world: Any, create_channel: Any
) -> None:
    hidden = await gina.get(f"/api/v1/people/{world.bob}")
    assert hidden.status_code == 404 and code(hidden) == "person_not_found"
    assert (await gina.get("/api/v1/presence", params={"ids": str(world.bob)})).status_code == 404

    await create_channel(bob, "supplier-x", "private", shared=True, member_ids=[world.gina])
    visible = await gina.get(f"/api/v1/people/{world.bob}")
    assert visible.status_code == 200
    profile = visible.json()["person"]
    # The company's structure stays private even for people a guest can see.
    assert profile["department"] is None and profile["manager"] is None and profile["roles"] == []
    still_hidden = await gina.get(f"/api/v1/people/{world.carol}")
    assert still_hidden.status_code == 404
    presence = await gina.get("/api/v1/presence", params={"ids": f"{world.bob},{world.gina}"})
    assert presence.status_code == 200
    assert {p["person_id"] for p in presence.json()["presence"]} == {world.bob, world.gina}


async def test_presence(bob: httpx.AsyncClient, world: Any) -> None:
    response = await bob.get("/api/v1/presence", params={"ids": f"{world.alice},{world.carol}"})
    assert response.status_code == 200
    assert response.json()["presence"] == [
        {"person_id": world.alice, "status": "offline"},
        {"person_id": world.carol, "status": "offline"},
    ]
    unknown = await bob.get("/api/v1/presence", params={"ids": f"{world.alice},424242"})
    assert unknown.status_code == 404 and code(unknown) == "person_not_found"
    malformed = await bob.get("/api/v1/presence", params={"ids": "1,x"})
    assert malformed.status_code == 400 and code(malformed) == "validation_failed"
    missing = await bob.get("/api/v1/presence")
    assert missing.status_code == 400 and code(missing) == "validation_failed"


async def test_department_tree(carol: httpx.AsyncClient, world: Any) -> None:
    response = await carol.get("/api/v1/departments")
    assert response.status_code == 200
    (engineering,) = response.json()["departments"]
    assert engineering["id"] == world.engineering and engineering["name"] == "研发部"
    assert engineering["head"]["id"] == world.alice
    (platform,) = engineering["children"]
    assert platform["id"] == world.platform and platform["parent_id"] == world.engineering
    # bob and carol are active in platform; dave is deactivated and not counted.
    assert platform["member_count"] == 2 and platform["children"] == []
    assert engineering["member_count"] == 1 and engineering["total_member_count"] == 3


async def test_lookup_people_by_id_shows_only_who_you_may_see(
    bob: httpx.AsyncClient, gina: httpx.AsyncClient, world: Any
) -> None:
    wanted = f"{world.alice},{world.bob},{world.carol},{world.gina},999"
    staff = (await bob.get("/api/v1/people/lookup", params={"ids": wanted})).json()["people"]
    assert [p["id"] for p in staff] == [world.alice, world.bob, world.carol, world.gina]
    # A guest sees only the people they share a channel with.
    guest = (await gina.get("/api/v1/people/lookup", params={"ids": wanted})).json()["people"]
    assert guest == []
    shared = await bob.post(
        "/api/v1/channels",
        json={"name": "supply", "kind": "private", "shared": True, "member_ids": [world.gina]},
    )
    assert shared.status_code == 201, shared.text
    guest = (await gina.get("/api/v1/people/lookup", params={"ids": wanted})).json()["people"]
    assert [p["id"] for p in guest] == [world.bob, world.gina]
    missing = await bob.get("/api/v1/people/lookup")
    assert missing.status_code == 400
