"""The `upload` table (a file someone sent to the hub) and `upload_share` (the channels it was
attached in, whose readers may download it), with the queries the files package shares.

The tables are declared in hub.models, beside the others hub.permissions reads (who may
download a file is a permission); they are named here too so the files package reads
them from its own models module. The bytes live on disk under data_dir (hub.files.storage);
the row says whose they are, what they are called and what type the uploader declared. A
new upload is visible to its uploader only; attaching it to a card action or form in a
channel shares it with that channel (hub.files.attach). See docs/api.md ("Files").
"""

from __future__ import annotations

import sqlalchemy as sa

from hub.models import (
    UPLOAD_ID_MAX,
    UPLOAD_NAME_MAX,
    UPLOAD_TYPE_MAX,
    Upload,
    UploadShare,
    upload_share_table,
    upload_table,
)

ID_MAX = UPLOAD_ID_MAX
NAME_MAX = UPLOAD_NAME_MAX
TYPE_MAX = UPLOAD_TYPE_MAX

__all__ = [
    "ID_MAX",
    "NAME_MAX",
    "TYPE_MAX",
    "Upload",
    "UploadShare",
    "file_url",
    "not_shared",
    "upload_share_table",
    "upload_table",
]


def file_url(upload_id: str) -> str:
    """Where the hub serves the file (an `image` block's url, a markdown link)."""
    return f"/api/v1/files/{upload_id}"


def not_shared() -> sa.ColumnElement[bool]:
    """The upload has not been shared with any channel yet."""
    return ~sa.exists().where(upload_share_table.c.upload_id == upload_table.c.id)
