"""Checking an import against what the hub holds, before the first write.

Every row is checked (and every problem collected, in file order) so that one run tells HR
everything to fix; references between rows and loops in the department or manager chains
are found here too, since a loop would send an approval round in circles.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from hub.errors import ErrorCode, HubError
from hub.models import Department, Person
from hub.orgimport.reading import ImportFiles, Row
from hub.people import check_email, check_locale, check_roles, check_time_zone, check_username

_TRUE = {"true", "yes", "y", "1", "active", "是", "在职"}
_FALSE = {"false", "no", "n", "0", "inactive", "否", "离职"}
_ROLE_SPLIT = re.compile(r"[;,|\s]+")

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
    # Roles held for one department (`hrbp@RD` in the roles column): (role, department code);
    # None when the file has no roles column, so the hub's are kept (hub.roles).
    scoped: list[tuple[str, str]] | None = None

    @property
    def key(self) -> PersonKey:
        if self.existing is not None:
            return ("db", self.existing.id or 0)
        return ("new", self.username)


class OrgCheck:
    """One import's first half: load what the hub holds and check the rows against it."""

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
        scoped: list[tuple[str, str]] | None = None
        if "roles" in values:
            try:
                scalars["roles"], scoped = split_scoped_roles(values["roles"] or "")
            except HubError as error:
                self._problem(row, error.message)
        checks: tuple[tuple[str, Callable[[str], Any]], ...] = (
            ("email", check_email),
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
        self.people.append(
            _PersonPlan(row, username, existing, scalars, refs, active, scoped=scoped)
        )

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
            for role, code in plan.scoped or ():
                if not self._department_exists(code):
                    self._problem(
                        plan.row,
                        f"role {role}@{code}: department {code} is not in the file or the hub.",
                    )
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


def split_scoped_roles(value: str) -> tuple[list[str], list[tuple[str, str]]]:
    """`finance hrbp@RD` → company-wide roles, and (role, department code) pairs."""
    company: list[str] = []
    scoped: list[tuple[str, str]] = []
    for token in _ROLE_SPLIT.split(value):
        role, at, code = token.partition("@")
        if not at:
            company.append(role)
            continue
        if not role or not code.strip():
            raise HubError(
                ErrorCode.validation_failed,
                f"Role {token!r}: write ROLE@DEPARTMENT, e.g. hrbp@RD (the department's id).",
            )
        pair = (check_roles([role])[0], code.strip())
        if pair not in scoped:
            scoped.append(pair)
    return check_roles(company), scoped
