"""HTTP routes for files: upload one, download one.

    POST /api/v1/files?name=receipt.pdf   (body: the file's bytes; Content-Type: its type)
    GET  /api/v1/files/{file_id}          (the bytes, to the uploader and readers of a channel it was shared in)

A raw body rather than multipart: one file per request, streamed to disk with its size
capped, with no form parser in the way. Downloads never run in the hub's origin: every
answer carries a sandboxing CSP and nosniff, and only images and PDFs are shown inline.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute

from hub import permissions
from hub.errors import ErrorCode, HubError
from hub.files.attach import unattached_bytes
from hub.files.models import NAME_MAX, Upload, file_url
from hub.files.storage import file_path, receive, too_large
from hub.http import ApiRoute, Param, current_person, hub_of, json_response
from hub.models import from_row
from hub.wire.server import Wire

TAG = "files"
NAME = Param(
    "name",
    "str",
    "The file's name as the person sees it, e.g. receipt.pdf (kept to 200 characters).",
    maximum=1000,
    required=True,
)
MIME = re.compile(r"^[a-z0-9][a-z0-9.+-]*/[a-z0-9][a-z0-9.+-]*$")
# Shown in the browser: formats that cannot run script in a sandboxed response.
INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"}


class FileOut(Wire):
    """An uploaded file: put its `id` in a card's `file` input value."""

    id: str
    name: str
    content_type: str
    size: int
    url: str


def file_out(upload: Upload) -> FileOut:
    return from_row(FileOut, upload, url=file_url(upload.id))


def clean_name(raw: str) -> str:
    """The last path part, without control characters, at most 200 characters with its
    extension kept; never empty."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    if len(name) > NAME_MAX:
        stem, dot, extension = name.rpartition(".")
        keep = f"{dot}{extension}" if dot and len(extension) <= 10 else ""
        name = name[: NAME_MAX - len(keep)] + keep
    return name or "file"


def declared_type(request: Request) -> str:
    raw = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    return raw if MIME.match(raw) else "application/octet-stream"


async def upload_file(request: Request) -> Response:
    """Upload one file (the request body) for a card or form; only you can see it until you
    submit it with a card action or form in a channel, which shares it with that channel."""
    hub = hub_of(request)
    person = await current_person(request)
    name = clean_name(NAME.read(request))
    await hub.send_limiter.check(person.id or 0)
    limit = hub.settings.max_upload_bytes
    length = request.headers.get("content-length", "")
    declared = int(length) if length.isdigit() else 0  # refused early when it is known
    if declared > limit:
        raise too_large(limit)
    async with hub.engine.connect() as conn:
        held = await unattached_bytes(conn, person.id or 0)
    room = hub.settings.unattached_upload_quota_bytes - held
    if room <= 0 or declared > room:
        raise HubError(
            ErrorCode.payload_too_large,
            f"You already have {held // (1024 * 1024)} MiB of files not attached to anything; "
            "attach them to a card or form, or wait until unattached ones are removed.",
        )
    stored = await receive(request.stream(), hub.settings.data_dir, limit=min(limit, room))
    upload = Upload(
        id=stored.id,
        owner_id=person.id or 0,
        name=name,
        content_type=declared_type(request),
        size=stored.size,
        sha256=stored.sha256,
    )
    try:
        async with hub.sessions() as session:
            session.add(upload)
            await session.commit()
            await session.refresh(upload)
    except BaseException:
        file_path(hub.settings.data_dir, stored.id).unlink(missing_ok=True)
        raise
    return json_response(file_out(upload), status=201)


async def download_file(request: Request) -> Response:
    """The file's bytes, for its uploader and for readers of a channel it was shared in."""
    hub = hub_of(request)
    person = await current_person(request)
    async with hub.sessions() as session:
        upload = await permissions.check_read_upload(
            session, person, request.path_params["file_id"]
        )
    path = file_path(hub.settings.data_dir, upload.id)
    if not path.exists():
        raise HubError(ErrorCode.not_found, f"The file {upload.id} is missing from storage.")
    inline = upload.content_type in INLINE_TYPES
    disposition = "inline" if inline else "attachment"
    return FileResponse(
        path,
        media_type=upload.content_type if inline else "application/octet-stream",
        headers={
            "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(upload.name)}",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
            "Cache-Control": "private, max-age=3600",
        },
    )


routes: list[BaseRoute] = [
    ApiRoute(
        "POST",
        "/api/v1/files",
        upload_file,
        summary="Upload a file",
        tag=TAG,
        query=[NAME],
        raw_body="The file's bytes; send its type as Content-Type.",
        responses={201: FileOut},
        errors=(ErrorCode.validation_failed, ErrorCode.payload_too_large, ErrorCode.rate_limited),
    ),
    ApiRoute(
        "GET",
        "/api/v1/files/{file_id:str}",
        download_file,
        summary="Download a file",
        tag=TAG,
        responses={},
        binary_responses={
            200: "The file's bytes (images and PDFs inline, others as an attachment)."
        },
        errors=(ErrorCode.not_found,),
    ),
]
