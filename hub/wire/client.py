"""Frames a client may send, as typed models: the other half of the wire (hub.wire.server).

docs/protocol.md describes each one."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from hub.wire.inputs import ChannelId, MessageId, StoredInt


class _Frame(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ref: str | None = Field(default=None, max_length=64)


class Auth(_Frame):
    type: Literal["auth"]
    ticket: str = Field(max_length=200)


class Send(_Frame):
    type: Literal["send"]
    channel_id: ChannelId
    client_msg_id: str
    text: str
    thread_root_id: MessageId | None = None


class Edit(_Frame):
    type: Literal["edit"]
    message_id: MessageId
    text: str


class Delete(_Frame):
    type: Literal["delete"]
    message_id: MessageId


class React(_Frame):
    type: Literal["react", "unreact"]
    message_id: MessageId
    emoji: str


class TypingStart(_Frame):
    type: Literal["typing"]
    channel_id: ChannelId
    thread_root_id: MessageId | None = None


class MarkReadFrame(_Frame):
    type: Literal["read"]
    channel_id: ChannelId
    seq: StoredInt


class Sync(_Frame):
    type: Literal["sync"]
    # channel id (as a JSON object key) -> the last seq the client holds; channels it
    # does not list start from now.
    cursors: dict[int, StoredInt] = Field(default_factory=dict)


class Ping(_Frame):
    type: Literal["ping"]


class SetPresence(_Frame):
    type: Literal["presence"]
    status: Literal["online", "away"]


class CommandFrame(_Frame):
    """`/name args` typed in a channel; answered by an ack (and the bot's replies) or an error."""

    type: Literal["command"]
    channel_id: ChannelId
    text: str = Field(max_length=4000)
    thread_root_id: MessageId | None = None


class CardActionFrame(_Frame):
    type: Literal["card_action"]
    message_id: MessageId
    version: StoredInt
    action_id: str = Field(max_length=50)
    values: dict[str, Any] = Field(default_factory=dict)


class FormSubmit(_Frame):
    type: Literal["form_submit"]
    form_id: str = Field(max_length=64)
    values: dict[str, Any] = Field(default_factory=dict)


ClientFrame = Annotated[
    Auth
    | Send
    | Edit
    | Delete
    | React
    | TypingStart
    | MarkReadFrame
    | Sync
    | Ping
    | SetPresence
    | CommandFrame
    | CardActionFrame
    | FormSubmit,
    Field(discriminator="type"),
]
client_frame_adapter: TypeAdapter[ClientFrame] = TypeAdapter(ClientFrame)
CLIENT_FRAME_TYPES = frozenset(
    {
        "auth",
        "send",
        "edit",
        "delete",
        "react",
        "unreact",
        "typing",
        "read",
        "sync",
        "ping",
        "presence",
        "command",
        "card_action",
        "form_submit",
    }
)
