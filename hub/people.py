"""People and the home organisation: the few writes the CLI, the org import and admin APIs share.

Usernames are the sign-in names and the @-mention handles, so they are checked and
lowercased here, once, whatever path creates a person. See docs/operations.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from hub.auth.passwords import MIN_PASSWORD_LENGTH, hash_password
from hub.auth.tokens import revoke_all_for
from hub.errors import ErrorCode, HubError
from hub.models import Org, Person

USERNAME = re.compile(r"^[a-z0-9._-]{1,100}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
ROLE = re.compile(r"^[a-z0-9_-]{1,40}$")
KINDS = ("member", "guest", "bot")
LOCALES = ("zh-CN", "en")


def check_username(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise HubError(ErrorCode.validation_failed, "A username is required, e.g. `li.na`.")
    username = value.strip().lower()
    if not USERNAME.match(username):
        raise HubError(
            ErrorCode.validation_failed,
            f"Username {value!r} is not allowed: use 1-100 of a-z, 0-9, '.', '_' and '-' (e.g. `li.na`).",
        )
    return username


def check_email(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    email = value.strip()
    if len(email) > 254 or not EMAIL.match(email):
        raise HubError(
            ErrorCode.validation_failed,
            f"{value!r} is not an email address like `li.na@example.com`.",
        )
    return email


def check_roles(roles: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for role in roles:
        role = role.strip().lower()
        if not role:
            continue
        if not ROLE.match(role):
            raise HubError(
                ErrorCode.validation_failed,
                f"Role {role!r} is not allowed: use a-z, 0-9, '_' and '-' (e.g. `finance`).",
            )
        if role not in cleaned:
            cleaned.append(role)
    return cleaned


def check_time_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise HubError(
            ErrorCode.validation_failed,
            f"Unknown time zone {value!r}: use an IANA name such as `Asia/Shanghai` or `Europe/Berlin`.",
        ) from None
    return value


def check_locale(value: str) -> str:
    """The client speaks zh-CN and en; HR exports write `zh_CN`, `en-US` and the like, so map those."""
    language = value.strip().replace("_", "-").lower().split("-")[0]
    if language == "zh":
        return "zh-CN"
    if language == "en":
        return "en"
    raise HubError(
        ErrorCode.validation_failed,
        f"Locale {value!r} is not offered: use one of {', '.join(LOCALES)}.",
    )


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise HubError(
            ErrorCode.validation_failed,
            f"Passwords need at least {MIN_PASSWORD_LENGTH} characters; choose a longer one.",
        )
    return hash_password(password)


async def find_person(session: AsyncSession, username: str) -> Person | None:
    return (
        await session.exec(select(Person).where(Person.username == username.strip().lower()))
    ).first()


async def get_person(session: AsyncSession, username: str) -> Person:
    person = await find_person(session, username)
    if person is None:
        raise HubError(
            ErrorCode.person_not_found,
            f"No person with username {username!r}: check the spelling, or create them with `hub user add`.",
        )
    return person


async def home_org(session: AsyncSession) -> Org | None:
    return (await session.exec(select(Org).where(Org.kind == "home").order_by(Org.id))).first()  # type: ignore[arg-type]


async def ensure_home_org(session: AsyncSession, name: str) -> Org:
    """The hub's own organisation; made with `name` if there is none yet (there is only one)."""
    org = await home_org(session)
    if org is not None:
        return org
    if not name.strip():
        raise HubError(
            ErrorCode.validation_failed,
            "The organisation needs a name, e.g. `--org-name 星河科技`.",
        )
    org = Org(name=name.strip(), kind="home")
    session.add(org)
    await session.commit()
    await session.refresh(org)
    return org


async def ensure_partner_org(
    session: AsyncSession, name: str, external_id: str | None = None
) -> Org:
    """A partner organisation by name (or external id), made if missing; guests belong to one."""
    query = (
        select(Org).where(Org.external_id == external_id)
        if external_id
        else select(Org).where(Org.name == name)
    )
    org = (await session.exec(query)).first()
    if org is not None:
        if org.kind != "partner":
            raise HubError(
                ErrorCode.validation_failed,
                f"{org.name!r} is your own organisation, not a partner; guests belong to partner orgs.",
            )
        return org
    org = Org(name=name, kind="partner", external_id=external_id)
    session.add(org)
    await session.commit()
    await session.refresh(org)
    return org


async def add_person(
    session: AsyncSession,
    *,
    username: str,
    display_name: str,
    password: str | None = None,
    kind: str = "member",
    org_id: int | None = None,
    roles: Iterable[str] = (),
    email: str | None = None,
    department_id: int | None = None,
    manager_id: int | None = None,
    title: str | None = None,
    locale: str = "zh-CN",
    time_zone: str = "Asia/Shanghai",
    name_en: str | None = None,
    external_id: str | None = None,
) -> Person:
    """Create and commit one person. Members default to the home org; guests need a partner org."""
    username = check_username(username)
    if not display_name.strip():
        raise HubError(
            ErrorCode.validation_failed, "A display name is required, e.g. `--name 李娜`."
        )
    if kind not in KINDS:
        raise HubError(
            ErrorCode.validation_failed, f"Kind {kind!r} is unknown: use one of {', '.join(KINDS)}."
        )
    role_list = check_roles(roles)
    if kind == "guest" and role_list:
        # Roles grant staff powers (finance, admin...); a partner's guest must never hold one.
        raise HubError(
            ErrorCode.validation_failed, "Guests cannot hold roles; drop the --role options."
        )
    email = check_email(email)
    locale = check_locale(locale)
    check_time_zone(time_zone)
    password_hash = check_password(password) if password is not None else None

    if await find_person(session, username) is not None:
        raise HubError(
            ErrorCode.already_exists,
            f"Username {username!r} is taken: pick another, or change that person with `hub user ...`.",
        )
    org = await _resolve_org(session, kind, org_id)
    person = Person(
        org_id=org.id or 0,
        username=username,
        display_name=display_name.strip(),
        name_en=name_en,
        email=email,
        kind=kind,
        department_id=department_id,
        manager_id=manager_id,
        title=title,
        roles=role_list,
        locale=locale,
        time_zone=time_zone,
        password_hash=password_hash,
        external_id=external_id,
    )
    session.add(person)
    await session.commit()
    await session.refresh(person)
    return person


async def _resolve_org(session: AsyncSession, kind: str, org_id: int | None) -> Org:
    if org_id is None:
        if kind == "guest":
            raise HubError(
                ErrorCode.validation_failed,
                "A guest belongs to a partner org: give one (`--org NAME`).",
            )
        org = await home_org(session)
        if org is None:
            raise HubError(
                ErrorCode.validation_failed,
                "There is no home organisation yet: run `hub init --org-name NAME` first.",
            )
        return org
    org = await session.get(Org, org_id)
    if org is None:
        raise HubError(ErrorCode.not_found, f"No organisation with id {org_id}.")
    if kind == "guest" and org.kind != "partner":
        raise HubError(
            ErrorCode.validation_failed,
            "Guests belong to a partner org, not to your own organisation.",
        )
    if kind == "member" and org.kind != "home":
        raise HubError(
            ErrorCode.validation_failed,
            f"{org.name!r} is a partner org: people from partners join as guests (`--guest`).",
        )
    return org


async def deactivate_person(session: AsyncSession, username: str) -> Person:
    """Stop a person signing in: marks them inactive and revokes every live token they hold."""
    person = await get_person(session, username)
    person.active = False
    session.add(person)
    await session.commit()
    await revoke_all_for(session, person.id or 0)
    return person


async def reset_password(session: AsyncSession, username: str, new_password: str) -> Person:
    """Set a new password; every existing session ends, so a leaked one stops working too."""
    person = await get_person(session, username)
    if person.kind == "bot":
        raise HubError(
            ErrorCode.validation_failed,
            f"{username!r} is a bot: bots sign in with tokens, not passwords.",
        )
    person.password_hash = check_password(new_password)
    session.add(person)
    await session.commit()
    await revoke_all_for(session, person.id or 0)
    return person
