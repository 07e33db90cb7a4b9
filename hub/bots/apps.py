"""Bot apps: what the hub needs of a bot's routes and page besides running the handler.

A bot's routes answer JSON: a route that names a `response` model has its answer checked
against it (so /openapi.json tells the truth); any other answer need only be JSON-able.
The page's files are served from the bot's `web/` folder, with safe paths only.
See docs/apps.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from pydantic import BaseModel

from hub.botkit.bot import AppRoute

# The files an app page may have, and the type each is served as (modules need a JS type).
APP_FILE_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".webp": "image/webp",
    ".woff2": "font/woff2",
}


def encode_app_result(route: AppRoute, result: Any) -> bytes:
    """The handler's answer as JSON bytes; TypeError/ValidationError for a wrong one (a bug
    in the bot, logged and answered as the bot failing)."""
    if route.response is not None and not isinstance(result, BaseModel):
        result = route.response.model_validate(result)
    if isinstance(result, BaseModel):
        return orjson.dumps(result.model_dump(mode="json"))
    return orjson.dumps(result)


def app_file(web: Path, path: str) -> tuple[Path, str] | None:
    """The file at `path` inside `web` and its content type, or None: nothing outside the
    folder, no hidden files or folders, only the types above."""
    parts = path.split("/")
    if not path or any(not part or part.startswith(".") or "\\" in part for part in parts):
        return None
    if "\x00" in path:
        return None
    root = web.resolve()
    found = (root / path).resolve()
    if not found.is_relative_to(root) or not found.is_file():
        return None
    kind = APP_FILE_TYPES.get(found.suffix.lower())
    if kind is None:
        return None
    return found, kind
