"""The hub's tables: organisations, departments, people, channels, messages and the channel log.

Every change inside a channel is a row in `channel_event` with the channel's next `seq`;
`channel.last_seq` is the counter, bumped in the same transaction as the change. See
docs/protocol.md for how clients read the log.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.types import TypeDecorator
from sqlmodel import JSON, Column, Field, SQLModel

_Shape = TypeVar("_Shape")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """Stores UTC; always returns an aware datetime, on SQLite (which keeps no zone) too."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column: use hub.models.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Org(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    kind: str = Field(default="partner", max_length=16)  # "home" or "partner"
    external_id: str | None = Field(default=None, max_length=100, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class Department(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="org.id", index=True)
    name: str = Field(max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    parent_id: int | None = Field(default=None, foreign_key="department.id", index=True)
    # No foreign key: person and department point at each other, and an HR import may
    # name a head before the person row exists. Checked by hub.orgimport instead.
    head_id: int | None = Field(default=None, index=True)
    external_id: str | None = Field(default=None, max_length=100, unique=True)


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="org.id", index=True)
    username: str = Field(max_length=100, unique=True)
    display_name: str = Field(max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254, index=True)
    kind: str = Field(default="member", max_length=16)  # member, guest or bot
    department_id: int | None = Field(default=None, foreign_key="department.id", index=True)
    manager_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    title: str | None = Field(default=None, max_length=200)
    roles: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    locale: str = Field(default="zh-CN", max_length=16)
    time_zone: str = Field(default="Asia/Shanghai", max_length=64)
    active: bool = Field(default=True)
    password_hash: str | None = Field(default=None, max_length=255)
    external_id: str | None = Field(default=None, max_length=100, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)

    @property
    def is_guest(self) -> bool:
        return self.kind == "guest"

    @property
    def is_admin(self) -> bool:
        return self.kind == "member" and "admin" in self.roles


class AuthToken(SQLModel, table=True):
    """Session cookies, bearer tokens and WebSocket tickets; only a keyed hash is stored."""

    __tablename__ = "auth_token"

    token_hash: str = Field(primary_key=True, max_length=64)
    person_id: int = Field(foreign_key="person.id", index=True)
    kind: str = Field(max_length=16)  # session, bearer or ws_ticket
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    expires_at: datetime = Field(sa_type=UtcDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    # A WebSocket ticket's: the session or bearer token that asked for it, so the socket it
    # opens lives only as long as that session (hub.auth.sessions).
    parent_hash: str | None = Field(default=None, max_length=64)


class LoginFailure(SQLModel, table=True):
    __tablename__ = "login_failure"
    __table_args__ = (sa.Index("ix_login_failure_key_at", "key", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200)  # "account:<username>" or "address:<ip>"
    at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class Channel(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # public, private, direct or group
    name: str | None = Field(default=None, max_length=80)
    topic: str = Field(default="", max_length=500)
    shared: bool = Field(default=False)  # open to partner guests
    archived: bool = Field(default=False)
    # For direct and group direct channels: the sorted member ids, so a second
    # "start a DM" finds the first channel instead of making another.
    direct_key: str | None = Field(default=None, max_length=500, unique=True)
    created_by: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    last_seq: int = Field(default=0)


class Membership(SQLModel, table=True):
    channel_id: int = Field(foreign_key="channel.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True, index=True)
    role: str = Field(default="member", max_length=16)  # owner or member
    last_read_seq: int = Field(default=0)
    muted: bool = Field(default=False)
    joined_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class Message(SQLModel, table=True):
    __table_args__ = (
        sa.UniqueConstraint("sender_id", "client_msg_id", name="uq_message_sender_client_msg"),
        sa.UniqueConstraint("channel_id", "seq", name="uq_message_channel_seq"),
        sa.Index("ix_message_thread", "thread_root_id", "seq"),
    )

    id: int | None = Field(default=None, primary_key=True)
    channel_id: int = Field(foreign_key="channel.id")
    seq: int
    sender_id: int = Field(foreign_key="person.id")
    thread_root_id: int | None = Field(default=None, foreign_key="message.id")
    text: str = Field(default="")
    card: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    # Bumped by every change to the card (an action taken, an update by its bot): an
    # action names the version it was taken on, so two clicks on one version cannot both win.
    card_version: int = Field(default=0)
    client_msg_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    edited_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    reply_count: int = Field(default=0)
    last_reply_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class Reaction(SQLModel, table=True):
    message_id: int = Field(foreign_key="message.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    emoji: str = Field(primary_key=True, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class Mention(SQLModel, table=True):
    """Who a message @-mentions, for the mention badge (counted above last_read_seq)."""

    __table_args__ = (sa.Index("ix_mention_person_channel_seq", "person_id", "channel_id", "seq"),)

    message_id: int = Field(foreign_key="message.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    channel_id: int = Field(foreign_key="channel.id")
    seq: int


class ChannelEvent(SQLModel, table=True):
    """The channel's durable, gap-free log. `frame` is the exact text sent to clients."""

    __tablename__ = "channel_event"

    channel_id: int = Field(foreign_key="channel.id", primary_key=True)
    seq: int = Field(primary_key=True)
    type: str = Field(max_length=40)
    frame: str
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class Bot(SQLModel, table=True):
    """A bot's registration beside its person row (kind "bot"): in-process plug-in or external."""

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    name: str = Field(max_length=100, unique=True)
    kind: str = Field(default="plugin", max_length=16)  # plugin or external
    description: str = Field(default="", max_length=500)
    avatar: str | None = Field(default=None, max_length=500)
    created_by: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class CardAction(SQLModel, table=True):
    """Every action accepted on a card: the audit record, and one per card version at most."""

    __tablename__ = "card_action"
    __table_args__ = (sa.UniqueConstraint("message_id", "version", name="uq_card_action_version"),)

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="message.id")
    version: int
    person_id: int = Field(foreign_key="person.id", index=True)
    action_id: str = Field(max_length=50)
    values: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    # Whom person_id acted for, when they took the action as someone's delegate (hub.acting).
    on_behalf_of: int | None = Field(default=None, foreign_key="person.id")


class BotForm(SQLModel, table=True):
    """A form a bot opened for one person: submitted once, to the handler the bot named."""

    __tablename__ = "bot_form"

    id: str = Field(primary_key=True, max_length=40)
    bot: str = Field(max_length=100)
    handler: str = Field(max_length=100)
    person_id: int = Field(foreign_key="person.id", index=True)
    channel_id: int | None = Field(default=None, foreign_key="channel.id")
    card: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    state: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    submitted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


UPLOAD_ID_MAX = 40
UPLOAD_NAME_MAX = 200
UPLOAD_TYPE_MAX = 100


class Upload(SQLModel, table=True):
    """A file someone sent to the hub (the bytes live on disk: hub.files). Declared here, not
    in hub.files, because who may read one is a permission (hub.permissions.check_read_upload)."""

    id: str = Field(primary_key=True, max_length=UPLOAD_ID_MAX)
    owner_id: int = Field(foreign_key="person.id", index=True)
    name: str = Field(max_length=UPLOAD_NAME_MAX)
    content_type: str = Field(max_length=UPLOAD_TYPE_MAX)
    size: int
    sha256: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class UploadShare(SQLModel, table=True):
    """A channel an upload was attached in: its readers may download the file."""

    __tablename__ = "upload_share"

    upload_id: str = Field(foreign_key="upload.id", primary_key=True, max_length=UPLOAD_ID_MAX)
    channel_id: int = Field(foreign_key="channel.id", primary_key=True, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class UploadGrant(SQLModel, table=True):
    """A person an upload was given to: the bot a form or card action sent it to, or the
    people that bot shared it with. Guests never read through a grant, only in their channels."""

    __tablename__ = "upload_grant"

    upload_id: str = Field(foreign_key="upload.id", primary_key=True, max_length=UPLOAD_ID_MAX)
    person_id: int = Field(foreign_key="person.id", primary_key=True, index=True)
    granted_by: int = Field(foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class CardAwaiting(SQLModel, table=True):
    """A person a live card is waiting for (its `awaiting`): the index behind each person's
    inbox (hub.inbox, docs/cards.md). Rewritten in the transaction that changes the card."""

    __tablename__ = "card_awaiting"

    message_id: int = Field(foreign_key="message.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True, index=True)
    bot_id: int = Field(foreign_key="person.id")
    channel_id: int = Field(foreign_key="channel.id")
    since: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class ScopedRole(SQLModel, table=True):
    """A role a person holds for one department and the departments under it ("HRBP of
    R&D"); roles held company-wide stay in Person.roles (hub.roles, docs/bots.md)."""

    __tablename__ = "scoped_role"

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    role: str = Field(max_length=50, primary_key=True)
    department_id: int = Field(foreign_key="department.id", primary_key=True, index=True)


class Delegation(SQLModel, table=True):
    """Out of office: `delegate_id` acts for `person_id` on the cards waiting for them from
    `starts_at` until `ends_at` (hub.delegation). Ended early by setting `ends_at`; rows are
    kept, so whoever reads a card's history later can see why someone else acted."""

    __tablename__ = "delegation"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    delegate_id: int = Field(foreign_key="person.id", index=True)
    starts_at: datetime = Field(sa_type=UtcDateTime)
    ends_at: datetime = Field(sa_type=UtcDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


# The Core tables, declared here once and imported wherever a query needs one
# (docs/data-access.md). A feature with tables of its own declares them in its own
# models module the same way (hub/integrations/models.py, hub/timers/models.py).
org_table: sa.Table = Org.__table__  # type: ignore[attr-defined]
department_table: sa.Table = Department.__table__  # type: ignore[attr-defined]
person_table: sa.Table = Person.__table__  # type: ignore[attr-defined]
auth_token_table: sa.Table = AuthToken.__table__  # type: ignore[attr-defined]
login_failure_table: sa.Table = LoginFailure.__table__  # type: ignore[attr-defined]
channel_table: sa.Table = Channel.__table__  # type: ignore[attr-defined]
membership_table: sa.Table = Membership.__table__  # type: ignore[attr-defined]
message_table: sa.Table = Message.__table__  # type: ignore[attr-defined]
reaction_table: sa.Table = Reaction.__table__  # type: ignore[attr-defined]
mention_table: sa.Table = Mention.__table__  # type: ignore[attr-defined]
channel_event_table: sa.Table = ChannelEvent.__table__  # type: ignore[attr-defined]
bot_table: sa.Table = Bot.__table__  # type: ignore[attr-defined]
card_action_table: sa.Table = CardAction.__table__  # type: ignore[attr-defined]
bot_form_table: sa.Table = BotForm.__table__  # type: ignore[attr-defined]
upload_table: sa.Table = Upload.__table__  # type: ignore[attr-defined]
upload_share_table: sa.Table = UploadShare.__table__  # type: ignore[attr-defined]
upload_grant_table: sa.Table = UploadGrant.__table__  # type: ignore[attr-defined]


card_awaiting_table: sa.Table = CardAwaiting.__table__  # type: ignore[attr-defined]
scoped_role_table: sa.Table = ScopedRole.__table__  # type: ignore[attr-defined]
delegation_table: sa.Table = Delegation.__table__  # type: ignore[attr-defined]


def from_row(model: type[_Shape], row: object, **fields: Any) -> _Shape:
    """`model` built from a Core row or an ORM object: every field is read from the row's
    attribute of the same name, except those given in `fields` (counts, computed or
    renamed values). The one way rows become response models and the bot API's
    dataclasses (docs/data-access.md)."""
    source = _RowWithFields(row, fields) if fields else row
    if dataclasses.is_dataclass(model):
        names = [field.name for field in dataclasses.fields(model)]
        return model(**{name: getattr(source, name) for name in names})
    if issubclass(model, BaseModel):
        built: _Shape = model.model_validate(source, from_attributes=True)
        return built
    raise TypeError(f"from_row builds pydantic models and dataclasses, not {model.__name__}")


class _RowWithFields:
    """A row seen through `fields` first: what pydantic's `from_attributes` reads."""

    __slots__ = ("_fields", "_row")

    def __init__(self, row: object, fields: dict[str, Any]) -> None:
        self._row = row
        self._fields = fields

    def __getattr__(self, name: str) -> Any:
        if name in self._fields:
            return self._fields[name]
        return getattr(self._row, name)
