"""The company every harness starts with: a small org chart with managers, departments,
roles, people reading either language, and one partner guest.

    总经办 GM office      head grace (郭总)              alice (admin)
    研发部 R&D            head dana                      carol (reads English)
      平台组 Platform     head pete (reads English)      bob
    财务部 Finance        head fiona (role finance)
    人力资源部 HR         head hank (roles hr and hrbp company-wide)
    carol is also the HRBP of R&D (role hrbp scoped to RD and the departments under it)
    partner South China Supply                           gina (guest)

Channels: `general` (every staff member) and `partner-room` (shared: alice, bob, gina).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from hub.models import Department, Org, Person, ScopedRole


@dataclass(frozen=True)
class Someone:
    username: str
    name: str  # as shown in Chinese
    name_en: str
    department: str | None  # a department's code below, or None for the partner guest
    manager: str | None = None
    roles: tuple[str, ...] = ()
    locale: str = "zh-CN"


# (code, Chinese name, English name, parent code, head)
DEPARTMENTS: list[tuple[str, str, str, str | None, str]] = [
    ("GM", "总经办", "GM office", None, "grace"),
    ("RD", "研发部", "R&D", None, "dana"),
    ("PLAT", "平台组", "Platform", "RD", "pete"),
    ("FIN", "财务部", "Finance", None, "fiona"),
    ("HR", "人力资源部", "HR", None, "hank"),
]

PEOPLE: list[Someone] = [
    Someone("grace", "郭总", "Grace Guo", "GM"),
    Someone("alice", "王爱丽", "Alice Wang", "GM", "grace", ("admin",)),
    Someone("dana", "邓娜", "Dana Deng", "RD", "grace"),
    Someone("pete", "彭涛", "Pete Peng", "PLAT", "dana", locale="en"),
    Someone("bob", "李博", "Bob Li", "PLAT", "pete"),
    Someone("carol", "陈卡", "Carol Chen", "RD", "dana", locale="en"),
    Someone("fiona", "冯菲", "Fiona Feng", "FIN", "grace", ("finance",)),
    Someone("hank", "韩凯", "Hank Han", "HR", "grace", ("hr", "hrbp")),
    Someone("gina", "吉娜", "Gina Ji", None),
]

# (username, role, department code): roles held for one department and those under it
SCOPED_ROLES: list[tuple[str, str, str]] = [("carol", "hrbp", "RD")]

STAFF_CHANNEL = "general"
SHARED_CHANNEL = "partner-room"
SHARED_MEMBERS = ["alice", "bob", "gina"]


async def seed_org_chart(session: AsyncSession) -> tuple[dict[str, Person], dict[str, Department]]:
    """Write the org chart above into an empty database; returns people and departments."""
    home = Org(name="银河科技 Galaxy Tech", kind="home")
    partner = Org(name="华南供应 South China Supply", kind="partner")
    session.add_all([home, partner])
    await session.flush()
    departments: dict[str, Department] = {}
    for code, name, name_en, parent, _head in DEPARTMENTS:
        department = Department(
            org_id=home.id or 0,
            name=name,
            name_en=name_en,
            parent_id=departments[parent].id if parent else None,
            external_id=code,
        )
        session.add(department)
        await session.flush()
        departments[code] = department
    people: dict[str, Person] = {}
    for someone in PEOPLE:  # managers come before the people reporting to them
        person = Person(
            org_id=(home if someone.department else partner).id or 0,
            username=someone.username,
            display_name=someone.name,
            name_en=someone.name_en,
            email=f"{someone.username}@example.com",
            kind="member" if someone.department else "guest",
            department_id=departments[someone.department].id if someone.department else None,
            manager_id=people[someone.manager].id if someone.manager else None,
            roles=list(someone.roles),
            locale=someone.locale,
        )
        session.add(person)
        await session.flush()
        people[someone.username] = person
    for code, _name, _name_en, _parent, head in DEPARTMENTS:
        departments[code].head_id = people[head].id
    session.add_all(
        ScopedRole(person_id=people[u].id or 0, role=role, department_id=departments[d].id or 0)
        for u, role, d in SCOPED_ROLES
    )
    await session.commit()
    return people, departments
