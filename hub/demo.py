"""`hub demo`: a small bilingual company to try the hub with, made idempotently.

星河科技 (Galaxy Tech) with a department tree, heads, managers and roles enough for the
approval flows (gm, finance, hr, admin), channels with a little conversation, and a
partner org whose guest shares one channel with staff. Every row is found before it is
made (departments by external id, people by username, channels by name, messages by
client_msg_id), so running it again changes nothing. Channels, memberships and messages
go through the real group-commit operations so the channel log holds them like any
other event. Accounts are listed in docs/operations.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from hub.actions.channels import AddMembers, CreateChannel, direct_key
from hub.actions.messages import SendMessage
from hub.bus import EventBus
from hub.db import create_sessionmaker
from hub.models import Channel, Department, Org, Person
from hub.people import add_person, home_org
from hub.writer import Writer

DEMO_ORG_EXTERNAL_ID = "demo"
DEMO_PARTNER_EXTERNAL_ID = "demo-partner"
DEMO_PASSWORD = "hub-demo-2026"
DEMO_ADMIN = "admin"

# external id, name, English name, parent, head's username
DEPARTMENTS: tuple[tuple[str, str, str, str | None, str], ...] = (
    ("demo-gm", "总经办", "General Management", None, "zhang.wei"),
    ("demo-fin", "财务部", "Finance", "demo-gm", "li.na"),
    ("demo-hr", "人力资源部", "Human Resources", "demo-gm", "wang.fang"),
    ("demo-rd", "研发部", "R&D", "demo-gm", "chen.jie"),
    ("demo-rd-platform", "平台组", "Platform Team", "demo-rd", "liu.yang"),
    ("demo-rd-client", "客户端组", "Client Team", "demo-rd", "zhao.lei"),
    ("demo-mkt", "市场部", "Marketing", "demo-gm", "emily.wong"),
    ("demo-pur", "采购部", "Purchasing", "demo-gm", "zhou.qiang"),
)


@dataclass(frozen=True)
class DemoPerson:
    username: str
    display_name: str
    name_en: str
    title: str
    department: str
    manager: str | None
    roles: tuple[str, ...] = ()
    locale: str = "zh-CN"
    time_zone: str = "Asia/Shanghai"


PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson("zhang.wei", "张伟", "Zhang Wei", "总经理", "demo-gm", None, ("gm",)),
    DemoPerson(
        DEMO_ADMIN, "系统管理员", "Hub Admin", "IT 管理员", "demo-gm", "zhang.wei", ("admin",)
    ),
    DemoPerson("li.na", "李娜", "Li Na", "财务总监", "demo-fin", "zhang.wei", ("finance",)),
    DemoPerson("zhou.min", "周敏", "Zhou Min", "会计", "demo-fin", "li.na", ("finance",)),
    DemoPerson("wang.fang", "王芳", "Wang Fang", "人力资源经理", "demo-hr", "zhang.wei", ("hr",)),
    DemoPerson("chen.jie", "陈杰", "Chen Jie", "研发总监", "demo-rd", "zhang.wei"),
    DemoPerson("liu.yang", "刘洋", "Liu Yang", "平台组组长", "demo-rd-platform", "chen.jie"),
    DemoPerson("sun.hao", "孙浩", "Sun Hao", "后端工程师", "demo-rd-platform", "liu.yang"),
    DemoPerson("zhao.lei", "赵磊", "Zhao Lei", "客户端组组长", "demo-rd-client", "chen.jie"),
    DemoPerson(
        "david.miller",
        "David Miller",
        "David Miller",
        "Senior Frontend Engineer",
        "demo-rd-client",
        "zhao.lei",
        (),
        "en",
        "Europe/Berlin",
    ),
    DemoPerson(
        "emily.wong",
        "Emily Wong",
        "Emily Wong",
        "Marketing Director",
        "demo-mkt",
        "zhang.wei",
        (),
        "en",
        "Asia/Hong_Kong",
    ),
    DemoPerson("huang.li", "黄丽", "Huang Li", "市场专员", "demo-mkt", "emily.wong"),
    DemoPerson("zhou.qiang", "周强", "Zhou Qiang", "采购经理", "demo-pur", "zhang.wei"),
    DemoPerson("wu.xin", "吴欣", "Wu Xin", "采购专员", "demo-pur", "zhou.qiang"),
)
GUEST = DemoPerson("lin.feng", "林峰", "Lin Feng", "客户经理 (华南供应链)", "", None)

ChannelKind = Literal["public", "private", "direct", "group"]


@dataclass(frozen=True)
class DemoChannel:
    name: str
    kind: ChannelKind
    topic: str
    creator: str
    members: tuple[str, ...]  # empty: every staff member
    messages: tuple[tuple[str, str], ...] = field(default=())  # (sender, text)
    shared: bool = False


CHANNELS: tuple[DemoChannel, ...] = (
    DemoChannel(
        "general",
        "public",
        "全员公告 · Company-wide announcements",
        DEMO_ADMIN,
        (),
        (
            ("zhang.wei", "大家好，欢迎使用新的协作平台！以后的审批和通知都会在这里。"),
            (
                "emily.wong",
                "Hi all, glad to be here. The English UI works too: switch it under your profile.",
            ),
            ("wang.fang", "提醒：本月的考勤请在 28 日前确认。"),
        ),
    ),
    DemoChannel(
        "random",
        "public",
        "闲聊 · Off-topic",
        DEMO_ADMIN,
        ("admin", "sun.hao", "david.miller", "huang.li", "zhou.min", "wu.xin"),
        (
            ("sun.hao", "楼下新开了一家兰州拉面，中午有人一起吗？"),
            ("david.miller", "Count me in! 🍜"),
        ),
    ),
    DemoChannel(
        "研发",
        "private",
        "研发部内部讨论 · R&D only",
        "chen.jie",
        ("chen.jie", "liu.yang", "sun.hao", "zhao.lei", "david.miller"),
        (
            ("chen.jie", "本周五发布 2.3 版本，请 @liu.yang 和 @zhao.lei 周四前完成冒烟测试。"),
            ("david.miller", "The new settings page is ready for review."),
            ("liu.yang", "收到，平台这边周三就能好。"),
        ),
    ),
    DemoChannel(
        "华南供应链-采购",
        "private",
        "与华南供应链的采购对接 · Purchasing with South China Supply",
        "zhou.qiang",
        ("zhou.qiang", "wu.xin", "li.na", GUEST.username),
        (
            ("zhou.qiang", "林经理您好，下季度的包装材料报价什么时候能发过来？"),
            (GUEST.username, "周经理好，报价单本周三前发您，交期大约两周。"),
            ("li.na", "付款条件还是月结 30 天，请在报价单里注明。"),
        ),
        shared=True,
    ),
)
DIRECT_MESSAGES: tuple[tuple[str, str], ...] = (
    ("david.miller", "Hi Chen, do you have ten minutes to go through the release plan?"),
    ("chen.jie", "Sure, 3 pm works. 下午三点见。"),
)


@dataclass
class DemoResult:
    org: Org
    created_people: list[str]
    kept_people: list[str]  # usernames that already existed outside the demo: passwords untouched
    created_channels: list[str]
    messages_sent: int


async def run_demo(engine: AsyncEngine) -> DemoResult:
    sessions = create_sessionmaker(engine)
    async with sessions() as session:
        org, partner = await _orgs(session)
        created, kept = await _people(session, org, partner)
        people = {p.username: p for p in (await session.exec(select(Person))).all()}
        channel_ids = {
            c.name: c.id for c in (await session.exec(select(Channel))).all() if c.kind != "direct"
        }
    # The session is closed before the writer writes: on SQLite two writers would wait on each other.
    writer = Writer(engine, EventBus())
    await writer.start()
    created_channels: list[str] = []
    sent = 0
    try:
        staff = [
            p for p in people.values() if p.kind == "member" and p.org_id == org.id and p.active
        ]
        for spec in CHANNELS:
            members = [people[u] for u in spec.members] if spec.members else staff
            channel_id = channel_ids.get(spec.name)
            if channel_id is None:
                out = await writer.submit(
                    CreateChannel(
                        kind=spec.kind,
                        creator=people[spec.creator],
                        members=members,
                        name=spec.name,
                        topic=spec.topic,
                        shared=spec.shared,
                    )
                )
                channel_id = out.id
                created_channels.append(spec.name)
            else:
                await writer.submit(
                    AddMembers(channel_id=channel_id, people=members, by_id=people[spec.creator].id)
                )
            sent += await _send(writer, channel_id, spec.messages, people)
        pair = [people["david.miller"], people["chen.jie"]]
        out = await writer.submit(
            CreateChannel(
                kind="direct",
                creator=pair[0],
                members=pair,
                # The key open_direct builds too, so "message David" finds this DM.
                direct_key=direct_key(p.id or 0 for p in pair),
            )
        )
        sent += await _send(writer, out.id, DIRECT_MESSAGES, people)
    finally:
        await writer.stop()
    return DemoResult(org, created, kept, created_channels, sent)


async def _send(
    writer: Writer,
    channel_id: int,
    messages: Sequence[tuple[str, str]],
    people: dict[str, Person],
) -> int:
    sent = 0
    for index, (sender, text) in enumerate(messages):
        # A fixed client_msg_id makes a second run return the first message instead of a copy.
        result = await writer.submit(
            SendMessage(
                channel_id=channel_id,
                sender=people[sender],
                text=text,
                client_msg_id=f"demo-{channel_id}-{index}",
            )
        )
        sent += 0 if result.duplicate else 1
    return sent


async def _orgs(session: AsyncSession) -> tuple[Org, Org]:
    org = (await session.exec(select(Org).where(Org.external_id == DEMO_ORG_EXTERNAL_ID))).first()
    if org is None:
        # The hub has one home org; if `hub init` already made one, the demo company moves in there.
        org = await home_org(session) or Org(
            name="星河科技 (Galaxy Tech)", kind="home", external_id=DEMO_ORG_EXTERNAL_ID
        )
        session.add(org)
    partner = (
        await session.exec(select(Org).where(Org.external_id == DEMO_PARTNER_EXTERNAL_ID))
    ).first()
    if partner is None:
        partner = Org(
            name="华南供应链 (South China Supply)",
            kind="partner",
            external_id=DEMO_PARTNER_EXTERNAL_ID,
        )
        session.add(partner)
    await session.commit()
    return org, partner


async def _people(session: AsyncSession, org: Org, partner: Org) -> tuple[list[str], list[str]]:
    departments = {
        d.external_id: d for d in (await session.exec(select(Department))).all() if d.external_id
    }
    for ext, name, name_en, parent, _head in DEPARTMENTS:
        if ext not in departments:
            department = Department(
                org_id=org.id or 0,
                name=name,
                name_en=name_en,
                parent_id=departments[parent].id if parent else None,
                external_id=ext,
            )
            session.add(department)
            await session.flush()
            departments[ext] = department
    await session.commit()

    created: list[str] = []
    kept: list[str] = []
    people = {p.username: p for p in (await session.exec(select(Person))).all()}
    for spec in PEOPLE:
        person = people.get(spec.username)
        if person is None:
            person = await add_person(
                session,
                username=spec.username,
                display_name=spec.display_name,
                name_en=spec.name_en,
                password=DEMO_PASSWORD,
                org_id=org.id,
                roles=spec.roles,
                title=spec.title,
                department_id=departments[spec.department].id,
                locale=spec.locale,
                time_zone=spec.time_zone,
                email=f"{spec.username}@galaxy-tech.example",
                external_id=f"demo:{spec.username}",
            )
            created.append(spec.username)
        elif person.external_id != f"demo:{spec.username}":
            kept.append(spec.username)
        people[spec.username] = person
    if GUEST.username not in people:
        people[GUEST.username] = await add_person(
            session,
            username=GUEST.username,
            display_name=GUEST.display_name,
            name_en=GUEST.name_en,
            password=DEMO_PASSWORD,
            kind="guest",
            org_id=partner.id,
            title=GUEST.title,
            email="lin.feng@scsupply.example",
            external_id=f"demo:{GUEST.username}",
        )
        created.append(GUEST.username)
    # Managers and heads last: they point at people who may have been made just above.
    for spec in PEOPLE:
        person = people[spec.username]
        if spec.username in created and spec.manager:
            person.manager_id = people[spec.manager].id
            session.add(person)
    for ext, _name, _name_en, _parent, head in DEPARTMENTS:
        department = departments[ext]
        if department.head_id is None:
            department.head_id = people[head].id
            session.add(department)
    await session.commit()
    return created, kept


async def demo_admin_exists(session: AsyncSession) -> bool:
    """Whether `hub serve` should print the demo sign-in: the demo admin is there and active."""
    admin = (
        await session.exec(select(Person).where(Person.external_id == f"demo:{DEMO_ADMIN}"))
    ).first()
    return admin is not None and admin.active
