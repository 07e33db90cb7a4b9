"""The poll bot's own tables: a poll per card, one vote per person (changeable)."""

from __future__ import annotations

from datetime import datetime

from hub.botkit import JSON, Column, Field, SQLModel, UtcDateTime, utcnow


class Poll(SQLModel, table=True):
    __tablename__ = "poll_poll"

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(unique=True)
    channel_id: int
    creator_id: int
    question: str = Field(max_length=300)
    options: list[str] = Field(sa_column=Column(JSON, nullable=False))
    locale: str = Field(default="en", max_length=16)
    closed: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class PollVote(SQLModel, table=True):
    __tablename__ = "poll_vote"

    poll_id: int = Field(foreign_key="poll_poll.id", primary_key=True)
    person_id: int = Field(primary_key=True)
    option: int
    at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
