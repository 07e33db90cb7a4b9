"""`hub import-org`: departments and people from the files HR systems export (CSV or JSON).

An import is a sync, not a one-off load: it is re-run whenever HR changes, so rows are
matched to what the hub already holds (departments by external id, people by employee
id, else username) and only differences are written. Every row is checked before the
first write, and nothing is written if any row is bad, so a half-applied org chart can
never route an approval to the wrong manager. The file format is in docs/operations.md.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from hub.errors import ErrorCode, HubError
from hub.models import AuthToken, Department, Person, utcnow
from hub.people import (
    check_email,
    check_locale,
    check_roles,
    check_time_zone,
    check_username,
    home_org,
)

DEPARTMENT_COLUMNS: tuple[str, ...] = ("external_id", "name", "name_en", "parent", "head")
PEOPLE_COLUMNS: tuple[str, ...] = (
    "external_id",
    "username",
    "display_name",
    "name_en",
    "email",
    "department",
    "manager",
    "title",
    "roles",
    "locale",
    "time_zone",
    "active",
)
# Names HR systems commonly give these columns; the header is lowercased and spaces and
# dashes become underscores before this lookup.
_DEPARTMENT_ALIASES = {
    "id": "external_id",
    "department_id": "external_id",
    "dept_id": "external_id",
    "code": "external_id",
    "parent_id": "parent",
    "parent_external_id": "parent",
    "head_id": "head",
    "head_username": "head",
    "manager": "head",
}
_PEOPLE_ALIASES = {
    "id": "external_id",
    "employee_id": "external_id",
    "employee_no": "external_id",
    "emp_id": "external_id",
    "name": "display_name",
    "department_id": "department",
    "department_external_id": "department",
    "dept": "department",
    "dept_id": "department",
    "manager_id": "manager",
    "manager_employee_id": "manager",
    "timezone": "time_zone",
    "tz": "time_zone",
    "mail": "email",
}
_TRUE = {"true", "yes", "y", "1", "active", "是", "在职"}
_FALSE = {"false", "no", "n", "0", "inactive", "否", "离职"}
_ROLE_SPLIT = re.compile(r"[;,|\s]+")


class ImportProblems(Exception):
    """The files cannot be imported as they are; `problems` names each bad row and what to fix."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the import files")
        self.problems = problems


@dataclass
class Row:
    source: str  # "people.csv line 4" or "org.json people[3]": where to look in the file
    values: dict[str, str | None]  # only the columns the file has; None for a blank cell


@dataclass
class ImportFiles:
    departments: list[Row] = field(default_factory=list)
    people: list[Row] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    dry_run: bool
    changes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    departments: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(("created", "updated", "unchanged"), 0)
    )
    people: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(("created", "updated", "unchanged", "deactivated"), 0)
    )
    without_password: list[str] = field(default_factory=list)

    def summary(self) -> list[str]:
        def counts(tally: dict[str, int]) -> str:
            return ", ".join(f"{n} {what}" for what, n in tally.items())

        return [f"departments: {counts(self.departments)}", f"people: {counts(self.people)}"]


# ---------------------------------------------------------------- reading files


def read_import_files(paths: Sequence[Path]) -> ImportFiles:
    """Parse the files; raises ImportProblems for files that cannot be read at all."""
    files = ImportFiles()
    problems: list[str] = []
    for path in paths:
        try:
            text = _read_text(path, files.warnings)
        except OSError as error:
            problems.append(
                f"{path}: cannot read the file ({error.strerror or error}); check the path."
            )
            continue
        if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
            problems += _read_json(path, text, files)
        else:
            problems += _read_csv(path, text, files)
    if problems:
        raise ImportProblems(problems)
    return files


def _read_text(path: Path, warnings: list[str]) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")  # Excel writes a BOM in front of UTF-8 CSV
    except UnicodeDecodeError:
        # Chinese Excel saves "CSV" in GBK; gb18030 reads all of it.
        warnings.append(
            f"{path.name}: not UTF-8, read as GB18030 (save as 'CSV UTF-8' to avoid this)"
        )
        return raw.decode("gb18030")


def _normalise_header(name: str, aliases: dict[str, str]) -> str:
    key = re.sub(r"[\s\-]+", "_", name.strip().lower())
    return aliases.get(key, key)


def _read_csv(path: Path, text: str, files: ImportFiles) -> list[str]:
    first_line = text.split("\n", 1)[0]
    delimiter = (
        "\t"
        if "\t" in first_line and "," not in first_line
        else ";"
        if ";" in first_line and "," not in first_line
        else ","
    )
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        return [f"{path.name}: the file is empty; it needs a header row (see docs/operations.md)."]
    plain = {_normalise_header(h, {}) for h in header}
    if "username" in plain:
        kind, aliases, known, target = "people", _PEOPLE_ALIASES, PEOPLE_COLUMNS, files.people
    elif "parent" in plain or "parent_id" in plain or "parent_external_id" in plain:
        kind, aliases, known, target = (
            "departments",
            _DEPARTMENT_ALIASES,
            DEPARTMENT_COLUMNS,
            files.departments,
        )
    else:
        return [
            f"{path.name} line 1: cannot tell what this CSV holds: a people file needs a `username` column, "
            "a departments file a `parent` column."
        ]
    columns = [_normalise_header(h, aliases) for h in header]
    problems = _check_columns(path.name, columns, known, files.warnings)
    if problems:
        return problems
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        line = reader.line_num
        if len(cells) > len(columns):
            problems.append(
                f"{path.name} line {line}: {len(cells)} cells but {len(columns)} columns; check quoting."
            )
            continue
        values = {
            col: (cells[i].strip() or None) if i < len(cells) else None
            for i, col in enumerate(columns)
            if col in known
        }
        target.append(Row(f"{path.name} line {line}", values))
    if not target:
        files.warnings.append(f"{path.name}: no {kind} rows")
    return problems


def _check_columns(
    name: str, columns: list[str], known: Sequence[str], warnings: list[str]
) -> list[str]:
    seen: set[str] = set()
    problems = []
    for column in columns:
        if column in seen:
            problems.append(f"{name} line 1: column `{column}` appears twice; keep one.")
        seen.add(column)
        if column not in known:
            warnings.append(f"{name}: column `{column}` ignored (known: {', '.join(known)})")
    return problems


def _read_json(path: Path, text: str, files: ImportFiles) -> list[str]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return [f"{path.name} line {error.lineno}: not valid JSON ({error.msg})."]
    if not isinstance(data, dict) or not ({"departments", "people"} & data.keys()):
        return [
            f'{path.name}: expected an object {{"departments": [...], "people": [...]}} (see docs/operations.md).'
        ]
    for key in data.keys() - {"departments", "people"}:
        files.warnings.append(f"{path.name}: section `{key}` ignored")
    problems: list[str] = []
    sections = (
        ("departments", _DEPARTMENT_ALIASES, DEPARTMENT_COLUMNS, files.departments),
        ("people", _PEOPLE_ALIASES, PEOPLE_COLUMNS, files.people),
    )
    for section, aliases, known, target in sections:
        items = data.get(section, [])
        if not isinstance(items, list):
            problems.append(f"{path.name}: `{section}` must be a list of objects.")
            continue
        ignored: set[str] = set()
        for index, item in enumerate(items):
            source = f"{path.name} {section}[{index}]"
            if not isinstance(item, dict):
                problems.append(f"{source}: expected an object, got {type(item).__name__}.")
                continue
            values: dict[str, str | None] = {}
            for key, value in item.items():
                column = _normalise_header(str(key), aliases)
                if column not in known:
                    ignored.add(column)
                    continue
                values[column] = _json_cell(value)
            target.append(Row(source, values))
        for column in sorted(ignored):
            files.warnings.append(
                f"{path.name}: {section} field `{column}` ignored (known: {', '.join(known)})"
            )
    return problems


def _json_cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value) or None
    return str(value).strip() or None


# ---------------------------------------------------------------- checking


PersonKey = tuple[str, int | str]  # ("db", person id) or ("new", username)


@dataclass
class _DepartmentPlan:
    row: Row
    external_id: str
    existing: Department | None
    scalars: dict[str, Any]
    refs: dict[str, str | None]  # parent and head, when the file has those columns
    obj: Department | None = None


@dataclass
class _PersonPlan:
    row: Row
    username: str
    existing: Person | None
    scalars: dict[str, Any]
    refs: dict[str, str | None]  # department and manager, when the file has those columns
    active: bool | None
    obj: Person | None = None

    @property
    def key(self) -> PersonKey:
        if self.existing is not None:
            return ("db", self.existing.id or 0)
        return ("new", self.username)


class OrgSync:
    """One import: load what the hub holds, check the rows against it, then write the difference."""

    def __init__(self, session: AsyncSession, org_id: int, files: ImportFiles) -> None:
        self.session = session
        self.org_id = org_id
        self.files = files
        self.problems: list[str] = []
        self.departments: list[_DepartmentPlan] = []
        self.people: list[_PersonPlan] = []

    async def load(self) -> None:
        self.db_departments = list((await self.session.exec(select(Department))).all())
        self.department_by_ext = {d.external_id: d for d in self.db_departments if d.external_id}
        self.db_people = list((await self.session.exec(select(Person))).all())
        self.person_by_ext = {p.external_id: p for p in self.db_people if p.external_id}
        self.person_by_username = {p.username: p for p in self.db_people}

    def _problem(self, row: Row, message: str) -> None:
        self._found.append((self._order[id(row)], f"{row.source}: {message}"))

    def check(self) -> list[str]:
        """Every problem in the files, in file order; empty when the import may go ahead."""
        self._order = {
            id(row): n for n, row in enumerate(self.files.departments + self.files.people)
        }
        self._found: list[tuple[int, str]] = []
        for row in self.files.departments:
            self._check_department(row)
        for row in self.files.people:
            self._check_person(row)
        self._check_department_refs()
        self._check_person_refs()
        self.problems = [message for _, message in sorted(self._found, key=lambda found: found[0])]
        return self.problems

    def _check_department(self, row: Row) -> None:
        values = row.values
        ext = values.get("external_id")
        if not ext:
            self._problem(row, "`external_id` is required: the department's id in your HR system.")
            return
        for plan in self.departments:
            if plan.external_id == ext:
                self._problem(
                    row,
                    f"department {ext} is listed twice (first at {plan.row.source}); keep one row.",
                )
                return
        existing = self.department_by_ext.get(ext)
        if existing is not None and existing.org_id != self.org_id:
            self._problem(
                row, f"department {ext} belongs to another organisation in the hub; use another id."
            )
            return
        scalars: dict[str, Any] = {}
        if values.get("name"):
            scalars["name"] = values["name"]
        elif existing is None or "name" in values:
            self._problem(row, "`name` is required (the department's Chinese or main name).")
        if "name_en" in values:
            scalars["name_en"] = values["name_en"]
        for column in ("name", "name_en"):
            if len(scalars.get(column) or "") > 200:
                self._problem(row, f"`{column}` is longer than 200 characters; shorten it.")
        refs: dict[str, str | None] = {c: values[c] for c in ("parent", "head") if c in values}
        self.departments.append(_DepartmentPlan(row, ext, existing, scalars, refs))

    def _check_person(self, row: Row) -> None:
        values = row.values
        try:
            username = check_username(values.get("username") or "")
        except HubError as error:
            self._problem(row, error.message)
            return
        ext = values.get("external_id")
        for plan in self.people:
            if plan.username == username:
                self._problem(
                    row,
                    f"username {username} is listed twice (first at {plan.row.source}); keep one row.",
                )
                return
            if ext and plan.scalars.get("external_id") == ext:
                self._problem(
                    row,
                    f"employee id {ext} is listed twice (first at {plan.row.source}); keep one row.",
                )
                return
        existing = self._match_person(row, username, ext)
        if existing is not None:
            if existing.kind != "member":
                self._problem(
                    row,
                    f"{username} is a {existing.kind} account; the HR import manages staff only.",
                )
                return
            for plan in self.people:
                if plan.existing is existing:
                    self._problem(
                        row,
                        f"this row and {plan.row.source} are the same person in the hub; keep one.",
                    )
                    return
        scalars: dict[str, Any] = {"username": username}
        if ext:
            scalars["external_id"] = ext
        if values.get("display_name"):
            scalars["display_name"] = values["display_name"]
        elif existing is None or "display_name" in values:
            self._problem(row, "`display_name` is required (the name people see, e.g. 李娜).")
        for column in ("name_en", "title"):
            if column in values:
                scalars[column] = values[column]
                if len(values[column] or "") > 200:
                    self._problem(row, f"`{column}` is longer than 200 characters; shorten it.")
        checks: tuple[tuple[str, Callable[[str], Any]], ...] = (
            ("email", check_email),
            ("roles", split_roles),
            ("locale", check_locale),
            ("time_zone", check_time_zone),
        )
        for column, check in checks:
            raw = values.get(column)
            if column not in values or (raw is None and column in ("locale", "time_zone")):
                continue  # absent: keep what the hub has (or the default for someone new)
            try:
                scalars[column] = check(raw or "")
            except HubError as error:
                self._problem(row, error.message)
        active: bool | None = None
        if values.get("active") is not None:
            try:
                active = parse_active(values["active"] or "")
            except HubError as error:
                self._problem(row, error.message)
        refs: dict[str, str | None] = {
            c: values[c] for c in ("department", "manager") if c in values
        }
        self.people.append(_PersonPlan(row, username, existing, scalars, refs, active))

    def _match_person(self, row: Row, username: str, ext: str | None) -> Person | None:
        """By employee id first (usernames may change), else by username."""
        by_username = self.person_by_username.get(username)
        if ext and ext in self.person_by_ext:
            person = self.person_by_ext[ext]
            if by_username is not None and by_username is not person:
                self._problem(
                    row,
                    f"employee {ext} is {person.username} in the hub; renaming them to {username} is not possible "
                    f"because {username} belongs to someone else ({by_username.display_name}). Pick another username.",
                )
            return person
        if (
            by_username is not None
            and ext
            and by_username.external_id
            and by_username.external_id != ext
        ):
            self._problem(
                row,
                f"username {username} belongs to employee {by_username.external_id} in the hub, but this row "
                f"says {ext}; fix the employee id or the username.",
            )
        return by_username

    def _department_exists(self, ext: str) -> bool:
        return ext in self.department_by_ext or any(p.external_id == ext for p in self.departments)

    def resolve_person(self, ref: str) -> PersonKey | None:
        """A manager or head reference: an employee id or a username, in the file or in the hub."""
        for plan in self.people:
            if plan.scalars.get("external_id") == ref:
                return plan.key
        for plan in self.people:
            if plan.username == ref.lower():
                return plan.key
        person = self.person_by_ext.get(ref) or self.person_by_username.get(ref.lower())
        return ("db", person.id or 0) if person is not None else None

    def _check_staff_ref(self, row: Row, column: str, ref: str) -> PersonKey | None:
        key = self.resolve_person(ref)
        if key is None:
            self._problem(
                row,
                f"{column} {ref} is neither an employee id nor a username in the file or the hub.",
            )
            return None
        if key[0] == "db":
            person = next(p for p in self.db_people if p.id == key[1])
            if person.kind != "member":
                self._problem(
                    row, f"{column} {ref} is a {person.kind} account; name a staff member."
                )
        return key

    def _check_department_refs(self) -> None:
        parents: dict[str, str | None] = {
            d.external_id or f"#{d.id}": self._db_department_key(d.parent_id)
            for d in self.db_departments
        }
        for plan in self.departments:
            parent = plan.refs.get("parent")
            if parent == plan.external_id:
                self._problem(plan.row, f"department {parent} cannot be its own parent.")
            elif parent and not self._department_exists(parent):
                self._problem(
                    plan.row, f"parent {parent} is not a department in the file or the hub."
                )
            elif "parent" in plan.refs:
                parents[plan.external_id] = parent
            head = plan.refs.get("head")
            if head:
                self._check_staff_ref(plan.row, "head", head)
        reported: set[frozenset[str]] = set()
        for plan in self.departments:
            loop = _find_loop(plan.external_id, parents)
            if loop and loop[0] == plan.external_id and frozenset(loop) not in reported:
                reported.add(frozenset(loop))
                self._problem(
                    plan.row,
                    f"departments form a loop: {' → '.join(loop + [loop[0]])}; fix a parent.",
                )

    def _db_department_key(self, department_id: int | None) -> str | None:
        if department_id is None:
            return None
        found = next((d for d in self.db_departments if d.id == department_id), None)
        return (found.external_id or f"#{found.id}") if found else None

    def _check_person_refs(self) -> None:
        managers: dict[PersonKey, PersonKey | None] = {
            ("db", p.id or 0): (("db", p.manager_id) if p.manager_id else None)
            for p in self.db_people
        }
        for plan in self.people:
            department = plan.refs.get("department")
            if department and not self._department_exists(department):
                self._problem(plan.row, f"department {department} is not in the file or the hub.")
            if "manager" not in plan.refs:
                continue
            manager = plan.refs["manager"]
            key = self._check_staff_ref(plan.row, "manager", manager) if manager else None
            if key is not None and key == plan.key:
                self._problem(plan.row, f"{plan.username} cannot be their own manager.")
                continue
            managers[plan.key] = key
        reported: set[frozenset[PersonKey]] = set()
        for plan in self.people:
            loop = _find_loop(plan.key, managers)
            if loop and loop[0] == plan.key and frozenset(loop) not in reported:
                reported.add(frozenset(loop))
                names = [self._person_label(k) for k in loop + [loop[0]]]
                self._problem(
                    plan.row, f"managers form a loop: {' → '.join(names)}; fix a manager."
                )

    def _person_label(self, key: PersonKey) -> str:
        if key[0] == "new":
            return str(key[1])
        for plan in self.people:
            if plan.key == key:
                return plan.username
        return next((p.username for p in self.db_people if p.id == key[1]), str(key[1]))

    # ------------------------------------------------------------ writing

    async def apply(self, report: ImportReport) -> None:
        dept_changes = await self._write_departments(report)
        person_changes = await self._write_people(report)
        await self._write_heads(dept_changes)
        self._report_departments(report, dept_changes)
        deactivated = self._report_people(report, person_changes)
        await revoke_tokens(self.session, deactivated)
        await self.session.flush()
        self._warn_inactive_bosses(report)

    def _report_departments(self, report: ImportReport, dept_changes: dict[str, list[str]]) -> None:
        for plan in self.departments:
            changes = dept_changes[plan.external_id]
            label = f"department {plan.external_id} {plan.obj.name if plan.obj else ''}"
            if plan.existing is None:
                report.departments["created"] += 1
                report.changes.append(f"+ {label} ({plan.row.source})")
            elif changes:
                report.departments["updated"] += 1
                report.changes.append(f"~ {label}: {'; '.join(changes)} ({plan.row.source})")
            else:
                report.departments["unchanged"] += 1

    def _report_people(
        self, report: ImportReport, person_changes: dict[str, list[str]]
    ) -> list[int]:
        """Count and describe each person's change; returns the ids just deactivated."""
        deactivated: list[int] = []
        for plan in self.people:
            person = plan.obj
            assert person is not None
            changes = person_changes[plan.username]
            label = f"person {person.username} {person.display_name}"
            if plan.existing is None:
                report.people["created"] += 1
                report.changes.append(
                    f"+ {label}{'' if person.active else ' (inactive)'} ({plan.row.source})"
                )
                if person.active:
                    report.without_password.append(person.username)
            elif plan.active is False and "active: true → false" in changes:
                report.people["deactivated"] += 1
                deactivated.append(person.id or 0)
                others = [c for c in changes if not c.startswith("active:")]
                detail = f"; {'; '.join(others)}" if others else ""
                report.changes.append(f"- {label} deactivated{detail} ({plan.row.source})")
            elif changes:
                report.people["updated"] += 1
                report.changes.append(f"~ {label}: {'; '.join(changes)} ({plan.row.source})")
            else:
                report.people["unchanged"] += 1
        return deactivated

    def _warn_inactive_bosses(self, report: ImportReport) -> None:
        # Approvals route to managers and heads; one who has left would leave requests waiting.
        people = {p.id: p for p in self.db_people}
        people.update({plan.obj.id: plan.obj for plan in self.people if plan.obj is not None})
        for plan in self.people:
            person = plan.obj
            boss = people.get(person.manager_id) if person and person.manager_id else None
            if person and person.active and boss is not None and not boss.active:
                report.warnings.append(f"{person.username}'s manager {boss.username} is inactive")
        for dplan in self.departments:
            head = people.get(dplan.obj.head_id) if dplan.obj and dplan.obj.head_id else None
            if head is not None and not head.active:
                report.warnings.append(
                    f"department {dplan.external_id}'s head {head.username} is inactive"
                )

    async def _write_departments(self, report: ImportReport) -> dict[str, list[str]]:
        changes: dict[str, list[str]] = {}
        for plan in self.departments:
            changes[plan.external_id] = []
            if plan.existing is None:
                plan.obj = Department(
                    org_id=self.org_id, external_id=plan.external_id, **plan.scalars
                )
                self.session.add(plan.obj)
            else:
                plan.obj = plan.existing
                _assign(plan.obj, plan.scalars, changes[plan.external_id])
        await self.session.flush()
        by_ext = {d.external_id: d for d in self.db_departments if d.external_id}
        by_ext.update({p.external_id: p.obj for p in self.departments if p.obj is not None})
        self._new_department_by_ext = by_ext
        for plan in self.departments:
            if "parent" in plan.refs and plan.obj is not None:
                parent = plan.refs["parent"]
                parent_id = by_ext[parent].id if parent else None
                self._assign_ref(
                    plan.obj,
                    "parent_id",
                    parent_id,
                    "parent",
                    changes[plan.external_id],
                    plan.existing,
                )
        return changes

    async def _write_people(self, report: ImportReport) -> dict[str, list[str]]:
        changes: dict[str, list[str]] = {}
        for plan in self.people:
            changes[plan.username] = []
            if plan.existing is None:
                plan.obj = Person(org_id=self.org_id, kind="member", **plan.scalars)
                self.session.add(plan.obj)
            else:
                plan.obj = plan.existing
                _assign(plan.obj, plan.scalars, changes[plan.username])
            if plan.active is not None and plan.obj.active != plan.active:
                if plan.existing is not None:
                    changes[plan.username].append(
                        f"active: {str(plan.obj.active).lower()} → {str(plan.active).lower()}"
                    )
                plan.obj.active = plan.active
        await self.session.flush()
        for plan in self.people:
            person = plan.obj
            assert person is not None
            if "department" in plan.refs:
                ext = plan.refs["department"]
                department_id = self._new_department_by_ext[ext].id if ext else None
                self._assign_ref(
                    person,
                    "department_id",
                    department_id,
                    "department",
                    changes[plan.username],
                    plan.existing,
                )
            if "manager" in plan.refs:
                ref = plan.refs["manager"]
                manager_id = self._person_id(ref) if ref else None
                self._assign_ref(
                    person,
                    "manager_id",
                    manager_id,
                    "manager",
                    changes[plan.username],
                    plan.existing,
                )
        return changes

    async def _write_heads(self, changes: dict[str, list[str]]) -> None:
        for plan in self.departments:
            if "head" in plan.refs and plan.obj is not None:
                ref = plan.refs["head"]
                head_id = self._person_id(ref) if ref else None
                self._assign_ref(
                    plan.obj, "head_id", head_id, "head", changes[plan.external_id], plan.existing
                )

    def _person_id(self, ref: str) -> int | None:
        key = self.resolve_person(ref)
        if key is None:
            return None
        if key[0] == "db":
            return int(key[1])
        plan = next(p for p in self.people if p.key == key)
        return plan.obj.id if plan.obj is not None else None

    def _assign_ref(
        self, obj: Any, attr: str, new: int | None, label: str, changes: list[str], existing: Any
    ) -> None:
        old = getattr(obj, attr)
        if old == new:
            return
        if existing is not None:
            changes.append(f"{label}: {self._show_ref(attr, old)} → {self._show_ref(attr, new)}")
        setattr(obj, attr, new)

    def _show_ref(self, attr: str, value: int | None) -> str:
        if value is None:
            return "—"
        if attr in ("parent_id", "department_id"):
            for d in list(self._new_department_by_ext.values()) + self.db_departments:
                if d.id == value:
                    return d.external_id or d.name
        else:
            for p in [plan.obj for plan in self.people if plan.obj is not None] + self.db_people:
                if p.id == value:
                    return p.username
        return f"#{value}"


def _assign(obj: Any, values: dict[str, Any], changes: list[str]) -> None:
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            changes.append(f"{name}: {_show(old)} → {_show(new)}")
            setattr(obj, name, new)


def _show(value: Any) -> str:
    if value is None or value == []:
        return "—"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)


def _find_loop(start: Any, parent_of: dict[Any, Any]) -> list[Any]:
    """The loop reached by walking up from `start`, or [] if the walk ends at a root."""
    path: list[Any] = []
    seen: dict[Any, int] = {}
    node = start
    while node is not None and node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = parent_of.get(node)
    return path[seen[node] :] if node is not None else []


def parse_active(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise HubError(ErrorCode.validation_failed, f"`active` is {value!r}: write true or false.")


def split_roles(value: str | None) -> list[str]:
    return check_roles(_ROLE_SPLIT.split(value or ""))


async def revoke_tokens(session: AsyncSession, person_ids: list[int]) -> None:
    """Inside the import's transaction, unlike hub.auth.tokens.revoke_all_for, which commits."""
    if not person_ids:
        return
    table: sa.Table = AuthToken.__table__  # type: ignore[attr-defined]
    connection = await session.connection()  # the session's own transaction
    await connection.execute(
        sa.update(table)
        .where(table.c.person_id.in_(person_ids), table.c.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


# ---------------------------------------------------------------- entry point


async def import_org(
    session: AsyncSession, files: ImportFiles, *, dry_run: bool = False
) -> ImportReport:
    """Check every row, then write all of it in one transaction (or roll it back for a dry run)."""
    org = await home_org(session)
    if org is None:
        raise ImportProblems(
            ["There is no home organisation yet: run `hub init --org-name NAME` first."]
        )
    sync = OrgSync(session, org.id or 0, files)
    await sync.load()
    problems = sync.check()
    if problems:
        raise ImportProblems(problems)
    report = ImportReport(dry_run=dry_run, warnings=list(files.warnings))
    try:
        await sync.apply(report)
    except BaseException:
        await session.rollback()
        raise
    if dry_run:
        await session.rollback()
    else:
        await session.commit()
    return report
