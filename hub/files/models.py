"""The `upload` table (a file someone sent to the hub) and `upload_share` (the channels it was
attached in, whose readers may download it).

The bytes live on disk under data_dir (hub.files.storage); the row says whose they are,
what they are called and what type the uploader declared. A new upload is visible to its
uploader only; attaching it to a card action or form in a channel shares it with that
channel (hub.files.attach). See docs/api.md ("Files").
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from hub.models import UtcDateTime, utcnow

ID_MAX = 40
NAME_MAX = 200
TYPE_MAX = 100


class Upload(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=ID_MAX)
    owner_id: int = Field(foreign_key="person.id", index=True)
    name: str = Field(max_length=NAME_MAX)
    content_type: str = Field(max_length=TYPE_MAX)
    size: int
    sha256: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class UploadShare(SQLModel, table=True):
    __tablename__ = "upload_share"

    upload_id: str = Field(foreign_key="upload.id", primary_key=True, max_length=ID_MAX)
    channel_id: int = Field(foreign_key="channel.id", primary_key=True, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


upload_table = Upload.__table__  # type: ignore[attr-defined]
upload_share_table = UploadShare.__table__  # type: ignore[attr-defined]


def file_url(upload_id: str) -> str:
    """Where the hub serves the file (an `image` block's url, a markdown link)."""
    return f"/api/v1/files/{upload_id}"


def not_shared() -> sa.ColumnElement[bool]:
    """The upload has not been shared with any channel yet."""
    return ~sa.exists().where(upload_share_table.c.upload_id == upload_table.c.id)
