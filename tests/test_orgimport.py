"""hub.orgimport: HR files in, a re-runnable sync out; a bad file writes nothing and names the row."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from hub.cli import main
from hub.config import get_settings
from hub.db import create_engine, create_sessionmaker
from hub.migrate import upgrade
from hub.models import Department, Person
from hub.orgimport import ImportProblems, ImportReport, import_org, read_import_files
from hub.people import ensure_home_org
from hub.roles import describe, grants_of

DEPARTMENTS_CSV = """\
external_id,name,name_en,parent,head
D100,总部,Head Office,,E001
D200,财务部,Finance,D100,E002
D210,应付组,Payables,D200,fin.clerk
"""
PEOPLE_CSV = """\
employee_id,username,display_name,name_en,email,department,manager,title,roles,locale,time_zone,active
E001,ceo,王总,Wang Zong,ceo@acme.example,D100,,CEO,gm,zh-CN,Asia/Shanghai,true
E002,fin.head,刘会计,Liu Kuaiji,fin@acme.example,D200,E001,财务经理,finance;approver,zh-CN,Asia/Shanghai,true
E003,fin.clerk,Sam Lee,Sam Lee,sam@acme.example,D210,fin.head,Clerk,finance,en_US,Asia/Singapore,yes
E004,old.timer,老员工,,old@acme.example,D100,E001,顾问,,,,false
"""
ORG_JSON = {
    "departments": [
        {"external_id": "RD", "name": "研发部", "name_en": "R&D", "parent": None, "head": "R1"},
        {"external_id": "RD-P", "name": "平台组", "parent": "RD", "head": "R2"},
    ],
    "people": [
        {
            "employee_id": "R1",
            "username": "Chen.Jie",
            "display_name": "陈杰",
            "department": "RD",
            "roles": ["rd"],
            "active": True,
        },
        {
            "employee_id": "R2",
            "username": "liu.yang",
            "display_name": "刘洋",
            "department": "RD-P",
            "manager": "R1",
        },
    ],
}


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    url = f"sqlite+aiosqlite:///{tmp_path}/hub.db"
    await upgrade(url)
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as session:
        await ensure_home_org(session, "Acme 公司")
    yield engine
    await engine.dispose()


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


async def run_import(engine: AsyncEngine, *paths: Path, dry_run: bool = False) -> ImportReport:
    async with create_sessionmaker(engine)() as session:
        return await import_org(session, read_import_files(paths), dry_run=dry_run)


async def people_by_username(session: AsyncSession) -> dict[str, Person]:
    return {p.username: p for p in (await session.exec(select(Person))).all()}


async def test_csv_import_builds_the_org_chart(engine: AsyncEngine, tmp_path: Path) -> None:
    report = await run_import(
        engine,
        write(tmp_path, "departments.csv", DEPARTMENTS_CSV),
        write(tmp_path, "people.csv", PEOPLE_CSV),
    )

    assert report.departments == {"created": 3, "updated": 0, "unchanged": 0}
    assert report.people == {"created": 4, "updated": 0, "unchanged": 0, "deactivated": 0}
    assert set(report.without_password) == {"ceo", "fin.head", "fin.clerk"}
    async with create_sessionmaker(engine)() as session:
        people = await people_by_username(session)
        departments = {d.external_id: d for d in (await session.exec(select(Department))).all()}
    assert people["fin.head"].manager_id == people["ceo"].id
    assert people["fin.clerk"].manager_id == people["fin.head"].id
    assert people["fin.clerk"].locale == "en" and people["fin.clerk"].time_zone == "Asia/Singapore"
    assert people["fin.head"].roles == ["finance", "approver"]
    assert people["old.timer"].active is False
    assert all(p.password_hash is None for p in people.values())
    assert departments["D210"].parent_id == departments["D200"].id
    assert departments["D100"].head_id == people["ceo"].id
    assert departments["D210"].head_id == people["fin.clerk"].id
    assert people["fin.clerk"].department_id == departments["D210"].id


async def test_json_import_and_rerun_reports_unchanged(engine: AsyncEngine, tmp_path: Path) -> None:
    path = write(tmp_path, "org.json", json.dumps(ORG_JSON, ensure_ascii=False))
    first = await run_import(engine, path)
    assert first.people["created"] == 2 and first.departments["created"] == 2

    again = await run_import(engine, path)

    assert again.changes == []
    assert again.departments == {"created": 0, "updated": 0, "unchanged": 2}
    assert again.people == {"created": 0, "updated": 0, "unchanged": 2, "deactivated": 0}
    async with create_sessionmaker(engine)() as session:
        people = await people_by_username(session)
    assert people["liu.yang"].manager_id == people["chen.jie"].id


async def test_changed_rows_report_updated_and_deactivated(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    departments = write(tmp_path, "departments.csv", DEPARTMENTS_CSV)
    await run_import(engine, departments, write(tmp_path, "people.csv", PEOPLE_CSV))
    changed = PEOPLE_CSV.replace("财务经理", "财务总监").replace(
        "Clerk,finance,en_US,Asia/Singapore,yes", "Clerk,finance,en_US,Asia/Singapore,no"
    )

    report = await run_import(engine, departments, write(tmp_path, "people.csv", changed))

    assert report.people == {"created": 0, "updated": 1, "unchanged": 2, "deactivated": 1}
    assert any(
        line.startswith("~ person fin.head")
        and "title: 财务经理 → 财务总监" in line
        and "line 3" in line
        for line in report.changes
    )
    assert any(line.startswith("- person fin.clerk") for line in report.changes)
    async with create_sessionmaker(engine)() as session:
        people = await people_by_username(session)
    assert people["fin.head"].title == "财务总监"
    assert people["fin.clerk"].active is False


async def test_username_change_follows_the_employee_id(engine: AsyncEngine, tmp_path: Path) -> None:
    path = write(tmp_path, "org.json", json.dumps(ORG_JSON, ensure_ascii=False))
    await run_import(engine, path)
    renamed = json.loads(json.dumps(ORG_JSON))
    renamed["people"][1]["username"] = "yang.liu"

    report = await run_import(
        engine, write(tmp_path, "org.json", json.dumps(renamed, ensure_ascii=False))
    )

    assert report.people["updated"] == 1 and report.people["created"] == 0
    async with create_sessionmaker(engine)() as session:
        assert set(await people_by_username(session)) == {"chen.jie", "yang.liu"}


async def test_dry_run_reports_but_writes_nothing(engine: AsyncEngine, tmp_path: Path) -> None:
    report = await run_import(
        engine, write(tmp_path, "org.json", json.dumps(ORG_JSON)), dry_run=True
    )
    assert report.people["created"] == 2
    async with create_sessionmaker(engine)() as session:
        assert await people_by_username(session) == {}


async def test_bad_file_writes_nothing_and_names_each_row(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    bad_people = PEOPLE_CSV + (
        "E005,bad name,X,,,D100,,,,,,\n"  # line 6: username
        "E006,ok.name,Y,,not-an-email,D999,E404,,,,,\n"  # line 7: email, department, manager
    )
    bad_departments = DEPARTMENTS_CSV + "D300,甲,,D301,\nD301,乙,,D300,\n"  # lines 5-6: a loop
    with pytest.raises(ImportProblems) as caught:
        await run_import(
            engine,
            write(tmp_path, "departments.csv", bad_departments),
            write(tmp_path, "people.csv", bad_people),
        )

    problems = "\n".join(caught.value.problems)
    assert "people.csv line 6" in problems and "bad name" in problems
    assert "people.csv line 7: 'not-an-email'" in problems
    assert "department D999 is not in the file or the hub" in problems
    assert "manager E404" in problems
    assert "departments.csv line 5: departments form a loop" in problems
    async with create_sessionmaker(engine)() as session:
        assert await people_by_username(session) == {}
        assert (await session.exec(select(Department))).all() == []


async def test_duplicates_are_refused(engine: AsyncEngine, tmp_path: Path) -> None:
    text = PEOPLE_CSV + "E001,someone.else,Z,,,D100,,,,,,\n" + "E009,CEO,Z,,,D100,,,,,,\n"
    with pytest.raises(ImportProblems) as caught:
        await run_import(
            engine,
            write(tmp_path, "departments.csv", DEPARTMENTS_CSV),
            write(tmp_path, "people.csv", text),
        )
    problems = caught.value.problems
    assert any("line 6" in p and "employee id E001 is listed twice" in p for p in problems)
    assert any("line 7" in p and "username ceo is listed twice" in p for p in problems)


def test_unrecognised_csv_is_refused_with_what_to_add(tmp_path: Path) -> None:
    with pytest.raises(ImportProblems) as caught:
        read_import_files([write(tmp_path, "odd.csv", "a,b\n1,2\n")])
    assert "`username`" in caught.value.problems[0] and "`parent`" in caught.value.problems[0]


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """The `hub` command on a database of its own in tmp_path."""
    monkeypatch.setenv("HUB_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/cli.db")
    monkeypatch.setenv("HUB_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_cli_import_prints_changes_and_fails_cleanly(tmp_path: Path, runner: CliRunner) -> None:
    org_file = write(tmp_path, "org.json", json.dumps(ORG_JSON, ensure_ascii=False))
    no_org = runner.invoke(main, ["import-org", str(org_file)])
    assert no_org.exit_code == 1 and "hub init --org-name" in no_org.output

    assert runner.invoke(main, ["init", "--org-name", "Acme", "--no-admin"]).exit_code == 0
    done = runner.invoke(main, ["import-org", str(org_file)])
    assert done.exit_code == 0, done.output
    assert "+ person chen.jie 陈杰" in done.output
    assert "people: 2 created, 0 updated, 0 unchanged, 0 deactivated" in done.output

    bad = write(tmp_path, "bad.csv", "username,display_name,department\nli.na,李娜,NOPE\n")
    failed = runner.invoke(main, ["import-org", str(bad)])
    assert failed.exit_code == 1
    assert "bad.csv line 2: department NOPE" in failed.output
    assert "Nothing was imported" in failed.output
    assert "Traceback" not in failed.output


async def test_roles_for_one_department_are_imported_and_synced(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    departments = write(tmp_path, "departments.csv", DEPARTMENTS_CSV)
    scoped = PEOPLE_CSV.replace(",Clerk,finance,", ",Clerk,finance;hrbp@D200;hrbp@D100,")
    await run_import(engine, departments, write(tmp_path, "people.csv", scoped))
    async with create_sessionmaker(engine)() as session:
        people = await people_by_username(session)
        conn = await session.connection()
        clerk = people["fin.clerk"]
        assert clerk.roles == ["finance"]  # the scoped ones are not company-wide
        assert describe(await grants_of(conn, clerk.id or 0)) == [
            "finance",
            "hrbp@D100",
            "hrbp@D200",
        ]

    # One taken away in the next file: reported, and gone; the same file again changes nothing.
    fewer = PEOPLE_CSV.replace(",Clerk,finance,", ",Clerk,finance;hrbp@D200,")
    report = await run_import(engine, departments, write(tmp_path, "people.csv", fewer))
    assert any(
        "department roles: hrbp@D100 hrbp@D200 → hrbp@D200" in line for line in report.changes
    )
    again = await run_import(engine, departments, write(tmp_path, "people.csv", fewer))
    assert again.changes == []
    async with create_sessionmaker(engine)() as session:
        grants = await grants_of(await session.connection(), clerk.id or 0)
    assert describe(grants) == ["finance", "hrbp@D200"]


async def test_a_scoped_role_names_a_department_that_exists(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    bad = PEOPLE_CSV.replace(",Clerk,finance,", ",Clerk,hrbp@NOPE,").replace(
        ",CEO,gm,", ",CEO,@D100,"
    )
    with pytest.raises(ImportProblems) as caught:
        await run_import(
            engine,
            write(tmp_path, "departments.csv", DEPARTMENTS_CSV),
            write(tmp_path, "people.csv", bad),
        )
    problems = "\n".join(caught.value.problems)
    assert "role hrbp@NOPE: department NOPE is not in the file or the hub" in problems
    assert "write ROLE@DEPARTMENT, e.g. hrbp@RD" in problems


def test_cli_gives_and_takes_roles_for_a_department(tmp_path: Path, runner: CliRunner) -> None:
    assert runner.invoke(main, ["init", "--org-name", "Acme", "--no-admin"]).exit_code == 0
    org_file = write(tmp_path, "org.json", json.dumps(ORG_JSON, ensure_ascii=False))
    assert runner.invoke(main, ["import-org", str(org_file)]).exit_code == 0

    def role(*args: str) -> str:
        result = runner.invoke(main, ["user", "role", *args])
        assert result.exit_code == 0, result.output
        return result.output.strip()

    assert (
        role("add", "liu.yang", "hrbp", "--department", "RD") == "liu.yang now holds hrbp for RD."
    )
    assert role("add", "liu.yang", "hrbp", "--department", "RD") == (
        "liu.yang already holds hrbp for RD; nothing changed."
    )
    assert role("add", "liu.yang", "finance") == "liu.yang now holds finance."
    assert role("list", "liu.yang") == "finance hrbp@RD"
    assert role("remove", "liu.yang", "hrbp", "--department", "RD") == (
        "liu.yang no longer holds hrbp for RD."
    )
    assert role("list", "liu.yang") == "finance"

    unknown = runner.invoke(main, ["user", "role", "add", "liu.yang", "hrbp", "--department", "XX"])
    assert unknown.exit_code == 1 and "No department has the code 'XX'" in unknown.output
    assert "Traceback" not in unknown.output
