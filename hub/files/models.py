"""The `upload` table (a file someone sent to the hub), `upload_share` (the channels it was
shared with, whose readers may download it) and `upload_grant` (the people it was given to),
with the queries the files package shares.

The tables are declared in hub.models, beside the others hub.permissions reads (who may
download a file is a permission); they are named here too so the files package reads
them from its own models module. The bytes live on disk under data_dir (hub.files.storage);
the row says whose they are, what they are called and what type the uploader declared. A
new upload is visible to its uploader only; attaching it to a card action or form grants it
to the bot that received it (hub.files.attach), and only that bot shares it further, with
people or a channel (`ctx.share_files`, hub.files.share). See docs/api.md ("Files").
"""

from __future__ import annotations

import sqlalchemy as sa

from hub.models import (
    UPLOAD_ID_MAX,
    UPLOAD_NAME_MAX,
    UPLOAD_TYPE_MAX,
    Upload,
    UploadGrant,
    UploadShare,
    upload_grant_table,
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
    "UploadGrant",
    "UploadShare",
    "file_url",
    "not_shared",
    "upload_grant_table",
    "upload_share_table",
    "upload_table",
]


def file_url(upload_id: str) -> str:
    """Where the hub serves the file (an `image` block's url, a markdown link)."""
    return f"/api/v1/files/{upload_id}"


def not_shared() -> sa.ColumnElement[bool]:
    """The upload has not been handed to anyone yet: no channel shares it, nobody was granted
    it (what the upload quota counts and the pruner may delete)."""
    return sa.and_(
        ~sa.exists().where(upload_share_table.c.upload_id == upload_table.c.id),
        ~sa.exists().where(upload_grant_table.c.upload_id == upload_table.c.id),
    )
