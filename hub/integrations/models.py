"""The integration tables: outgoing webhooks with their delivery log and channel cursors, incoming webhooks.

A delivery row is the unit of work of hub.integrations.sender: it holds the exact bytes
to send, so every retry is byte-identical and a retry pending at shutdown survives it.
See docs/integrations.md.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel

from hub.models import UtcDateTime, utcnow


class OutgoingWebhook(SQLModel, table=True):
    """An HTTPS endpoint of an integration (its bot person) that receives signed events."""

    __tablename__ = "outgoing_webhook"

    id: int | None = Field(default=None, primary_key=True)
    bot_id: int = Field(foreign_key="person.id", index=True)
    url: str = Field(max_length=2000)
    # The Standard Webhooks secret ("whsec_" + base64): kept as is because signing needs it.
    secret: str = Field(max_length=100)
    events: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    channel_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    active: bool = Field(default=True)
    created_by: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class WebhookCursor(SQLModel, table=True):
    """How far in a channel's log the tailer has turned messages into deliveries for a webhook."""

    __tablename__ = "webhook_cursor"

    webhook_id: int = Field(foreign_key="outgoing_webhook.id", primary_key=True)
    channel_id: int = Field(foreign_key="channel.id", primary_key=True)
    last_seq: int = Field(default=0)


class WebhookDelivery(SQLModel, table=True):
    """One event for one webhook; `id` is the `webhook-id` header, the same on every attempt."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (sa.Index("ix_webhook_delivery_status_next", "status", "next_attempt_at"),)

    id: str = Field(primary_key=True, max_length=40)
    webhook_id: int = Field(foreign_key="outgoing_webhook.id", index=True)
    event_type: str = Field(max_length=40)
    payload: str  # the exact JSON text sent on every attempt
    status: str = Field(default="pending", max_length=16)  # pending, delivered or failed
    attempts: int = Field(default=0)
    next_attempt_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    last_status_code: int | None = Field(default=None)
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    delivered_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class WebhookAttempt(SQLModel, table=True):
    """The delivery log: one row per HTTP attempt."""

    __tablename__ = "webhook_attempt"

    delivery_id: str = Field(foreign_key="webhook_delivery.id", primary_key=True, max_length=40)
    attempt: int = Field(primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    status_code: int | None = Field(default=None)
    error: str | None = Field(default=None, max_length=500)
    duration_ms: int = Field(default=0)


class IncomingWebhook(SQLModel, table=True):
    """A URL that posts into one channel as its own bot person; only a keyed hash of the key is kept."""

    __tablename__ = "incoming_webhook"

    id: int | None = Field(default=None, primary_key=True)
    key_hash: str = Field(max_length=64, unique=True)
    channel_id: int = Field(foreign_key="channel.id", index=True)
    bot_id: int = Field(foreign_key="person.id")
    name: str = Field(max_length=80)
    created_by: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    active: bool = Field(default=True)


outgoing_webhook_table: sa.Table = OutgoingWebhook.__table__  # type: ignore[attr-defined]
webhook_cursor_table: sa.Table = WebhookCursor.__table__  # type: ignore[attr-defined]
webhook_delivery_table: sa.Table = WebhookDelivery.__table__  # type: ignore[attr-defined]
webhook_attempt_table: sa.Table = WebhookAttempt.__table__  # type: ignore[attr-defined]
incoming_webhook_table: sa.Table = IncomingWebhook.__table__  # type: ignore[attr-defined]
