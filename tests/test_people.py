"""hub.people: usernames are checked once, and deactivating or resetting ends every session."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from hub.auth.passwords import verify_password
from hub.auth.tokens import issue_token, resolve_token
from hub.db import create_engine, create_sessionmaker
from hub.errors import ErrorCode, HubError
from hub.migrate import upgrade
from hub.models import AuthToken, Org
from hub.people import (
    add_person,
    deactivate_person,
    ensure_home_org,
    ensure_partner_org,
    reset_password,
)

SECRET = b"test-secret"


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    url = f"sqlite+aiosqlite:///{tmp_path}/hub.db"
    await upgrade(url)
    engine = create_engine(url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    async with create_sessionmaker(engine)() as session:
        yield session


async def test_home_org_is_made_once(session: AsyncSession) -> None:
    first = await ensure_home_org(session, "星河科技")
    second = await ensure_home_org(session, "Another name")
    assert first.id == second.id
    assert second.name == "星河科技" and second.kind == "home"
    assert len((await session.exec(select(Org))).all()) == 1


async def test_add_person_lowercases_and_defaults_to_home_org(session: AsyncSession) -> None:
    org = await ensure_home_org(session, "星河科技")
    person = await add_person(
        session,
        username="  Li.Na ",
        display_name="李娜",
        roles=["Finance", "finance"],
        password="a-long-password",
        locale="zh_CN",
    )
    assert person.username == "li.na"
    assert person.org_id == org.id
    assert person.roles == ["finance"]
    assert person.locale == "zh-CN"
    assert verify_password(person.password_hash, "a-long-password")


@pytest.mark.parametrize("username", ["li na", "李娜", "a/b", "x" * 101, ""])
async def test_bad_usernames_are_refused(session: AsyncSession, username: str) -> None:
    await ensure_home_org(session, "Org")
    with pytest.raises(HubError) as caught:
        await add_person(session, username=username, display_name="X")
    assert caught.value.code == ErrorCode.validation_failed


async def test_taken_username_is_refused_whatever_the_case(session: AsyncSession) -> None:
    await ensure_home_org(session, "Org")
    await add_person(session, username="li.na", display_name="李娜")
    with pytest.raises(HubError) as caught:
        await add_person(session, username="LI.NA", display_name="Other")
    assert caught.value.code == ErrorCode.already_exists
    assert "hub user" in caught.value.message


async def test_without_home_org_the_error_says_run_init(session: AsyncSession) -> None:
    with pytest.raises(HubError) as caught:
        await add_person(session, username="li.na", display_name="李娜")
    assert "hub init" in caught.value.message


async def test_guests_need_a_partner_org_and_hold_no_roles(session: AsyncSession) -> None:
    home = await ensure_home_org(session, "Org")
    partner = await ensure_partner_org(session, "华南供应链")
    with pytest.raises(HubError):
        await add_person(session, username="g1", display_name="G", kind="guest")
    with pytest.raises(HubError):
        await add_person(session, username="g1", display_name="G", kind="guest", org_id=home.id)
    with pytest.raises(HubError):
        await add_person(
            session,
            username="g1",
            display_name="G",
            kind="guest",
            org_id=partner.id,
            roles=["admin"],
        )
    with pytest.raises(HubError):
        await add_person(session, username="m1", display_name="M", org_id=partner.id)
    guest = await add_person(
        session, username="g1", display_name="G", kind="guest", org_id=partner.id
    )
    assert guest.is_guest and guest.org_id == partner.id


async def test_bad_email_time_zone_and_short_password_are_refused(session: AsyncSession) -> None:
    await ensure_home_org(session, "Org")
    for kwargs in (
        {"email": "nope"},
        {"time_zone": "Mars/Base"},
        {"password": "short"},
        {"locale": "fr"},
    ):
        with pytest.raises(HubError) as caught:
            await add_person(session, username="x", display_name="X", **kwargs)  # type: ignore[arg-type]
        assert caught.value.code == ErrorCode.validation_failed


async def test_deactivate_revokes_every_token(session: AsyncSession) -> None:
    await ensure_home_org(session, "Org")
    person = await add_person(
        session, username="li.na", display_name="李娜", password="a-long-password"
    )
    token = await issue_token(session, SECRET, person.id or 0, "session", timedelta(hours=1))
    assert await resolve_token(session, SECRET, token, ("session",)) is not None

    await deactivate_person(session, "Li.Na")

    assert await resolve_token(session, SECRET, token, ("session",)) is None
    rows = (await session.exec(select(AuthToken))).all()
    assert rows and all(row.revoked_at is not None for row in rows)
    await session.refresh(person)
    assert person.active is False


async def test_reset_password_changes_it_and_ends_sessions(session: AsyncSession) -> None:
    await ensure_home_org(session, "Org")
    person = await add_person(session, username="li.na", display_name="李娜")
    token = await issue_token(session, SECRET, person.id or 0, "bearer", timedelta(hours=1))

    await reset_password(session, "li.na", "new-password-1")

    await session.refresh(person)
    assert verify_password(person.password_hash, "new-password-1")
    assert await resolve_token(session, SECRET, token, ("bearer",)) is None
    with pytest.raises(HubError) as caught:
        await reset_password(session, "li.na", "short")
    assert caught.value.code == ErrorCode.validation_failed
    with pytest.raises(HubError) as missing:
        await reset_password(session, "nobody", "new-password-1")
    assert missing.value.code == ErrorCode.person_not_found
