"""What a bot's context needs from the hub while a handler runs, as Protocols.

A context (hub.botkit.context) calls these and nothing else; the bot runtime's session
(hub.bots.session) implements them on the handler's transaction. The bot API thus
depends on this contract, never on the runtime's classes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from hub.wire.server import MessageOut
from hub.workdays import WorkCalendar

if TYPE_CHECKING:
    from sqlmodel.ext.asyncio.session import AsyncSession

    from hub.botkit.bot import Text
    from hub.botkit.context import (
        CardActionInfo,
        DepartmentInfo,
        FileInfo,
        GroupCard,
        PersonInfo,
        TimerInfo,
    )


class OrgDirectory(Protocol):
    """People, departments and files, read on the handler's transaction."""

    async def person(self, person_id: int) -> PersonInfo | None: ...
    async def person_by_username(self, username: str) -> PersonInfo | None: ...
    async def department(self, department_id: int) -> DepartmentInfo | None: ...
    async def upload(self, upload_id: str) -> FileInfo | None: ...
    async def department_head(self, department_id: int) -> PersonInfo | None: ...
    async def managers(self, person_id: int, *, levels: int = 10) -> list[PersonInfo]: ...
    async def role_members(
        self, role: str, department_id: int | None = None
    ) -> list[PersonInfo]: ...


class HandlerSession(Protocol):
    """One handler call's transaction: what it writes commits together, or not at all."""

    @property
    def bot_person_id(self) -> int: ...
    @property
    def db(self) -> AsyncSession: ...
    @property
    def now(self) -> datetime: ...
    @property
    def directory(self) -> OrgDirectory: ...
    @property
    def calendar(self) -> WorkCalendar: ...

    async def post(
        self,
        channel_id: int,
        text: str,
        *,
        card: dict[str, Any] | None = None,
        thread_root_id: int | None = None,
        group: str | None = None,
    ) -> MessageOut: ...

    async def post_direct(
        self,
        person_id: int,
        text: str,
        *,
        card: dict[str, Any] | None = None,
        thread_root_id: int | None = None,
        group: str | None = None,
    ) -> MessageOut: ...

    async def update(
        self, message_id: int, *, card: dict[str, Any] | None, text: str | None
    ) -> MessageOut: ...

    async def delete(self, message_id: int) -> None: ...

    async def group_cards(self, group: str) -> list[GroupCard]: ...

    async def card_actions(self, message_id: int) -> list[CardActionInfo]: ...

    async def reply_private(
        self,
        person_id: int,
        text: Text,
        *,
        card: dict[str, Any] | None,
        channel_id: int | None,
    ) -> None: ...

    async def open_form(
        self,
        card: dict[str, Any],
        *,
        handler: str,
        state: dict[str, Any],
        person_id: int,
        channel_id: int | None,
    ) -> str: ...

    async def schedule(
        self,
        handler: str,
        *,
        at: datetime | None,
        after: timedelta | None,
        cron: str | None,
        time_zone: str,
        key: str | None,
        payload: dict[str, Any],
    ) -> int: ...

    async def cancel(self, key: str) -> bool: ...

    async def timers(self, *, key_prefix: str | None) -> list[TimerInfo]: ...

    async def emit(self, event_type: str, data: dict[str, Any]) -> int: ...

    async def get_file(self, file_id: str) -> FileInfo | None: ...

    async def delegate_for(self, person_id: int) -> PersonInfo | None: ...

    async def share_files(
        self, file_ids: list[str], *, channel_id: int | None, person_ids: list[int] | None
    ) -> None: ...
