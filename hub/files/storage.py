"""Where an upload's bytes live: data_dir/files/<2 chars>/<id>, written whole or not at all.

    stored = await receive(request.stream(), settings.data_dir, limit=settings.max_upload_bytes)
    path = file_path(settings.data_dir, upload_id)

A body is streamed into a temporary file while its size and SHA-256 are counted; it is
moved into place only once complete, so a cut connection or an oversized body leaves
nothing behind. (On a cluster, data_dir must be shared storage.)
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from hub.errors import ErrorCode, HubError


@dataclass(frozen=True)
class Received:
    id: str
    size: int
    sha256: str


def too_large(limit: int) -> HubError:
    return HubError(
        ErrorCode.payload_too_large,
        f"The file is over the limit of {limit // (1024 * 1024)} MiB; send a smaller one.",
    )


def new_upload_id() -> str:
    # Unguessable, so an id seen in one place cannot be used to probe for others.
    return "f_" + secrets.token_urlsafe(16)


def file_path(data_dir: Path, upload_id: str) -> Path:
    return data_dir / "files" / upload_id[2:4] / upload_id


async def receive(chunks: AsyncIterator[bytes], data_dir: Path, *, limit: int) -> Received:
    """Store a body as a new upload; refuse (keeping nothing) past `limit` bytes or when empty."""
    upload_id = new_upload_id()
    final = file_path(data_dir, upload_id)
    final.parent.mkdir(parents=True, exist_ok=True)
    partial = final.with_name(final.name + ".part")
    digest = hashlib.sha256()
    size = 0
    try:
        with partial.open("wb") as out:
            async for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise too_large(limit)
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise HubError(ErrorCode.validation_failed, "The file is empty; choose another one.")
        os.replace(partial, final)
    finally:
        partial.unlink(missing_ok=True)
    return Received(id=upload_id, size=size, sha256=digest.hexdigest())
