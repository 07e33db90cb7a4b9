"""HTTP routes for files: upload one, download one, and (bots) share the ones they were given.

    POST /api/v1/files?name=receipt.pdf   (body: the file's bytes; Content-Type: its type)
    GET  /api/v1/files/{file_id}          (the bytes, to whoever may read it: hub.permissions.check_read_upload)
    POST /api/v1/bot/files/share          (a bot token: share files the bot was given, as ctx.share_files)

A raw body rather than multipart: one file per request, streamed to disk with its size
capped, with no form parser in the way. Downloads never run in the hub's origin: every
answer carries a sandboxing CSP and nosniff, and only images and PDFs are shown inline.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any
from urllib.parse import quote

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute

from hub import permissions
from hub.errors import ErrorCode, HubError
from hub.files.attach import unattached_bytes
from hub.files.models import ID_MAX, NAME_MAX, Upload, file_url, upload_table
from hub.files.share import share_with_channel, share_with_people
from hub.files.storage import file_path, receive, too_large
from hub.http import ApiRoute, Param, current_person, hub_of, json_body, json_response
from hub.models import from_row
from hub.wire.inputs import ChannelId, PersonId
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


class FileList(Wire):
    """Files, each as `POST /api/v1/files` answered it."""

    files: list[FileOut]


class ShareBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    file_ids: list[Annotated[str, Field(max_length=ID_MAX)]] = Field(
        min_length=1, max_length=20, description="Files people sent this bot (`file` inputs)."
    )
    channel_id: ChannelId | None = Field(
        default=None,
        description="Share with whoever can read this channel (one the bot may post in).",
    )
    person_ids: list[PersonId] | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="Share with exactly these people (never guests). Give this or channel_id.",
    )


def file_out(upload: Any) -> FileOut:
    """An `Upload` or a Core row of the upload table."""
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
    submit it with a card action or form, which gives it to that bot alone (and the bot
    shares it with exactly the people or channel it chooses)."""
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
    """The file's bytes, for its uploader, the bot it was sent to and the people that bot shared
    it with, and readers of a channel the bot shared it with (never a guest outside it)."""
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


async def share_files(request: Request) -> Response:
    """Share files people sent your bot (with a card action's or form's `file` input) with a
    channel your bot may post in, or with people: as ctx.share_files (docs/bots.md, "Files").
    Bot token only; a file your bot was not given is refused, and then nothing is shared."""
    hub = hub_of(request)
    bot = await current_person(request)
    permissions.check_share_files(bot)
    body = await json_body(request, ShareBody)
    if (body.channel_id is None) == (body.person_ids is None):
        raise HubError(
            ErrorCode.validation_failed, "Give `channel_id` or `person_ids`: exactly one of them."
        )
    ids = body.file_ids
    async with hub.engine.begin() as conn:
        if body.person_ids is not None:
            await share_with_people(conn, bot, ids, body.person_ids)
        else:
            assert body.channel_id is not None
            await share_with_channel(conn, bot, ids, body.channel_id)
        rows = (await conn.execute(sa.select(upload_table).where(upload_table.c.id.in_(ids)))).all()
    by_id = {row.id: row for row in rows}
    return json_response(FileList(files=[file_out(by_id[i]) for i in dict.fromkeys(ids)]))


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
    ApiRoute(
        "POST",
        "/api/v1/bot/files/share",
        share_files,
        summary="Share files your bot was given",
        tag=TAG,
        body=ShareBody,
        responses={200: FileList},
        errors=(
            ErrorCode.validation_failed,
            ErrorCode.forbidden,
            ErrorCode.not_found,
            ErrorCode.person_not_found,
            ErrorCode.channel_not_found,
            ErrorCode.not_a_member,
            ErrorCode.channel_archived,
        ),
    ),
]
