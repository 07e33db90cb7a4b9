"""Writing a checked import in one transaction, and the report of what changed.

An import is a sync: only differences are written, and each is described in the report
(`+` created, `~` changed, `-` deactivated) so a dry run shows HR exactly what a real
run would do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from hub.models import Department, Person, auth_token_table, utcnow
from hub.orgimport.checks import OrgCheck
from hub.orgimport.reading import ImportFiles, ImportProblems
from hub.people import home_org
from hub.roles import grant_scoped, grants_of, revoke_scoped


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
    deactivated_ids: list[int] = field(default_factory=list)  # their connections are closed

    def summary(self) -> list[str]:
        def counts(tally: dict[str, int]) -> str:
            return ", ".join(f"{n} {what}" for what, n in tally.items())

        return [f"departments: {counts(self.departments)}", f"people: {counts(self.people)}"]


class OrgSync(OrgCheck):
    """One import: load what the hub holds, check the rows against it, then write the difference."""

    async def apply(self, report: ImportReport) -> None:
        dept_changes = await self._write_departments(report)
        person_changes = await self._write_people(report)
        await self._write_scoped_roles(person_changes)
        await self._write_heads(dept_changes)
        self._report_departments(report, dept_changes)
        deactivated = self._report_people(report, person_changes)
        await revoke_tokens(self.session, deactivated)
        report.deactivated_ids = deactivated
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

    async def _write_scoped_roles(self, changes: dict[str, list[str]]) -> None:
        """Make each person's department-scoped roles what their row says (hub.roles)."""
        conn = await self.session.connection()
        for plan in self.people:
            if plan.scoped is None or plan.obj is None:
                continue
            person_id = plan.obj.id or 0
            wanted = {
                (role, self._new_department_by_ext[code].id or 0): f"{role}@{code}"
                for role, code in plan.scoped
            }
            had = {
                (g.role, g.department_id or 0): f"{g.role}@{g.department_code}"
                for g in await grants_of(conn, person_id)
                if g.department_id is not None
            }
            for role, department_id in wanted.keys() - had.keys():
                await grant_scoped(conn, person_id, role, department_id)
            for role, department_id in had.keys() - wanted.keys():
                await revoke_scoped(conn, person_id, role, department_id)
            if plan.existing is not None and wanted.keys() != had.keys():
                before = " ".join(sorted(had.values())) or "—"
                after = " ".join(sorted(wanted.values())) or "—"
                changes[plan.username].append(f"department roles: {before} → {after}")

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


async def revoke_tokens(session: AsyncSession, person_ids: list[int]) -> None:
    """Inside the import's transaction, unlike hub.auth.tokens.revoke_all_for, which commits."""
    if not person_ids:
        return
    connection = await session.connection()  # the session's own transaction
    await connection.execute(
        sa.update(auth_token_table)
        .where(
            auth_token_table.c.person_id.in_(person_ids), auth_token_table.c.revoked_at.is_(None)
        )
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
