"""Every frame the hub sends, as typed models: the one place it is defined (what clients
send is beside it, in hub.wire.client).

Channel events carry `channel_id` and `seq` and are stored in the channel log (their
encoded text is the log row, so replay sends the very bytes live delivery sent).
Ephemeral frames (typing, presence) carry no seq and are never stored.
docs/protocol.md describes each one; tests/realtime/test_events.py produces and validates each.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def encode(self) -> str:
        return self.model_dump_json()


# Shapes shared by HTTP responses and events


class PersonBrief(Wire):
    id: int
    username: str
    display_name: str
    name_en: str | None = None
    kind: Literal["member", "guest", "bot"]
    org_id: int
    title: str | None = None
    active: bool = True


class ReactionCount(Wire):
    emoji: str
    count: int
    person_ids: list[int]


class MessageOut(Wire):
    id: int
    channel_id: int
    seq: int
    sender_id: int
    thread_root_id: int | None
    text: str
    card: dict[str, Any] | None = None
    card_version: int = 0
    client_msg_id: str | None
    created_at: datetime
    edited_at: datetime | None = None
    deleted: bool = False
    reply_count: int = 0
    last_reply_at: datetime | None = None
    reactions: list[ReactionCount] = Field(default_factory=list)


class ChannelOut(Wire):
    id: int
    kind: Literal["public", "private", "direct", "group"]
    name: str | None
    topic: str
    shared: bool
    archived: bool
    last_seq: int
    created_at: datetime
    partner_orgs: list[str] = Field(default_factory=list)
    member_count: int | None = None


# Channel events (logged, with seq)


class _ChannelEvent(Wire):
    channel_id: int
    seq: int


class MessageNew(_ChannelEvent):
    type: Literal["message.new"] = "message.new"
    message: MessageOut


class MessageEdited(_ChannelEvent):
    type: Literal["message.edited"] = "message.edited"
    message: MessageOut


class MessageDeleted(_ChannelEvent):
    type: Literal["message.deleted"] = "message.deleted"
    message_id: int
    thread_root_id: int | None


class ReactionAdded(_ChannelEvent):
    type: Literal["reaction.added"] = "reaction.added"
    message_id: int
    person_id: int
    emoji: str


class ReactionRemoved(_ChannelEvent):
    type: Literal["reaction.removed"] = "reaction.removed"
    message_id: int
    person_id: int
    emoji: str


class CardUpdated(_ChannelEvent):
    """A card changed in place: an action was taken on it, or its bot updated it."""

    type: Literal["card.updated"] = "card.updated"
    message: MessageOut
    by_id: int | None = None
    action_id: str | None = None


class MemberJoined(_ChannelEvent):
    type: Literal["member.joined"] = "member.joined"
    person: PersonBrief
    role: Literal["owner", "member"]
    by_id: int | None


class MemberLeft(_ChannelEvent):
    type: Literal["member.left"] = "member.left"
    person_id: int
    by_id: int | None
    reason: Literal["left", "removed", "deactivated"]


class ChannelUpdated(_ChannelEvent):
    type: Literal["channel.updated"] = "channel.updated"
    channel: ChannelOut
    by_id: int | None


ChannelEventFrame = Annotated[
    MessageNew
    | MessageEdited
    | MessageDeleted
    | ReactionAdded
    | ReactionRemoved
    | CardUpdated
    | MemberJoined
    | MemberLeft
    | ChannelUpdated,
    Field(discriminator="type"),
]

# Frames to one person (not logged)


class ChannelAdded(Wire):
    """You joined or were added to a channel: follow it from `channel.last_seq`."""

    type: Literal["channel.added"] = "channel.added"
    channel: ChannelOut


class ChannelRemoved(Wire):
    """You left or were removed: the server stops sending this channel's events."""

    type: Literal["channel.removed"] = "channel.removed"
    channel_id: int


class Ephemeral(Wire):
    """A bot's private reply to one person: shown to them only, never stored."""

    type: Literal["ephemeral"] = "ephemeral"
    id: str
    bot_id: int
    channel_id: int | None = None
    thread_root_id: int | None = None
    text: str
    card: dict[str, Any] | None = None
    ref: str | None = None


class FormOpen(Wire):
    """A bot asks one person to fill in a form (a card shown as a dialog); answer with form_submit."""

    type: Literal["form.open"] = "form.open"
    form_id: str
    bot_id: int
    channel_id: int | None = None
    card: dict[str, Any]
    ref: str | None = None


class ReadUpdated(Wire):
    """Your read marker moved (on this or another of your devices): clear the unread badge."""

    type: Literal["read.updated"] = "read.updated"
    channel_id: int
    seq: int


class InboxUpdated(Wire):
    """The cards waiting for you changed (one was posted, updated or deleted): your new
    total and the count per bot id; `GET /api/v1/me/inbox` lists them (docs/protocol.md)."""

    type: Literal["inbox.updated"] = "inbox.updated"
    total: int
    counts: dict[str, int]  # bot id (as a JSON key) -> cards of that bot waiting for you


class Typing(Wire):
    type: Literal["typing"] = "typing"
    channel_id: int
    person_id: int
    thread_root_id: int | None = None


class Presence(Wire):
    type: Literal["presence"] = "presence"
    person_id: int
    status: Literal["online", "away", "offline"]


class Hello(Wire):
    type: Literal["hello"] = "hello"
    connection_id: str
    person: PersonBrief
    server_time: datetime
    heartbeat_seconds: float
    max_frame_bytes: int
    protocol: int = 1


class Ack(Wire):
    type: Literal["ack"] = "ack"
    ref: str | None = None
    client_msg_id: str | None = None
    channel_id: int | None = None
    seq: int | None = None
    message_id: int | None = None
    duplicate: bool = False


class ErrorFrame(Wire):
    type: Literal["error"] = "error"
    ref: str | None = None
    client_msg_id: str | None = None
    code: str
    message: str
    details: dict[str, Any] | None = None


class ResyncRequired(Wire):
    type: Literal["resync_required"] = "resync_required"
    channel_id: int
    from_seq: int
    last_seq: int


class Synced(Wire):
    type: Literal["synced"] = "synced"
    ref: str | None = None
    cursors: dict[str, int]


class Pong(Wire):
    type: Literal["pong"] = "pong"
    ref: str | None = None
    server_time: datetime


ServerFrame = Annotated[
    MessageNew
    | MessageEdited
    | MessageDeleted
    | ReactionAdded
    | ReactionRemoved
    | CardUpdated
    | MemberJoined
    | MemberLeft
    | ChannelUpdated
    | ChannelAdded
    | Ephemeral
    | FormOpen
    | ReadUpdated
    | InboxUpdated
    | ChannelRemoved
    | Typing
    | Presence
    | Hello
    | Ack
    | ErrorFrame
    | ResyncRequired
    | Synced
    | Pong,
    Field(discriminator="type"),
]


class LoggedEvent:
    """A channel event after commit: what the broker carries and connections receive."""

    __slots__ = ("channel_id", "seq", "type", "frame", "audience")

    def __init__(
        self, channel_id: int, seq: int, type: str, frame: str, audience: tuple[int, ...] = ()
    ) -> None:
        self.channel_id = channel_id
        self.seq = seq
        self.type = type
        self.frame = frame
        # Extra people to tell, beyond the channel's followers (the person who was just
        # added or removed). Decided by hub.permissions, never at the call site.
        self.audience = audience
