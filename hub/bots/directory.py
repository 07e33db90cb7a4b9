"""People and the org chart as bots see them: people, departments, heads, managers, roles.

Read on the handler's own connection, so a bot sees the same snapshot it writes in.
Approval chains (department head, then finance, then the general manager) are built from
these lookups.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from hub.botkit.context import DepartmentInfo, FileInfo, PersonInfo
from hub.files.models import file_url, upload_table
from hub.models import department_table, from_row, person_table
from hub.roles import company_holders, holders_for

MAX_DEPTH = 50  # a cycle in imported data must not loop forever


def person_info(row: Any) -> PersonInfo:
    return from_row(PersonInfo, row, roles=tuple(row.roles or ()))


def _department_info(row: Any) -> DepartmentInfo:
    return from_row(DepartmentInfo, row)


class Directory:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def person(self, person_id: int) -> PersonInfo | None:
        row = (
            await self._conn.execute(sa.select(person_table).where(person_table.c.id == person_id))
        ).first()
        return person_info(row) if row is not None else None

    async def person_by_username(self, username: str) -> PersonInfo | None:
        row = (
            await self._conn.execute(
                sa.select(person_table).where(person_table.c.username == username.lower())
            )
        ).first()
        return person_info(row) if row is not None else None

    async def department(self, department_id: int) -> DepartmentInfo | None:
        row = (
            await self._conn.execute(
                sa.select(department_table).where(department_table.c.id == department_id)
            )
        ).first()
        return _department_info(row) if row is not None else None

    async def upload(self, upload_id: str) -> FileInfo | None:
        row = (
            await self._conn.execute(sa.select(upload_table).where(upload_table.c.id == upload_id))
        ).first()
        if row is None:
            return None
        return from_row(FileInfo, row, url=file_url(row.id))

    async def department_head(self, department_id: int) -> PersonInfo | None:
        current: int | None = department_id
        for _ in range(MAX_DEPTH):
            if current is None:
                return None
            department = await self.department(current)
            if department is None:
                return None
            if department.head_id is not None:
                head = await self.person(department.head_id)
                if head is not None and head.active:
                    return head
            current = department.parent_id
        return None

    async def managers(self, person_id: int, *, levels: int = 10) -> list[PersonInfo]:
        chain: list[PersonInfo] = []
        seen = {person_id}
        person = await self.person(person_id)
        while person is not None and len(chain) < levels:
            manager_id = person.manager_id
            if manager_id is None and person.department_id is not None:
                # No manager on record: the head of the person's department (or, for the
                # head themself, of the parent department) stands in, as OA systems do.
                manager_id = await self._head_above(person)
            if manager_id is None or manager_id in seen:
                break
            seen.add(manager_id)
            person = await self.person(manager_id)
            if person is not None:
                chain.append(person)
        return chain

    async def role_members(self, role: str, department_id: int | None = None) -> list[PersonInfo]:
        if department_id is None:
            ids = await company_holders(self._conn, role)
        else:
            ids = await holders_for(self._conn, role, department_id)
        people = [await self.person(i) for i in ids]
        return [p for p in people if p is not None]

    async def _head_above(self, person: PersonInfo) -> int | None:
        assert person.department_id is not None
        department = await self.department(person.department_id)
        if department is None:
            return None
        if department.head_id is not None and department.head_id != person.id:
            return department.head_id
        if department.parent_id is None:
            return None
        head = await self.department_head(department.parent_id)
        return head.id if head is not None else None
