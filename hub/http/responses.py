"""JSON responses: pydantic models and plain data encoded once with orjson."""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import BaseModel
from starlette.responses import Response


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    if isinstance(data, BaseModel):
        body = orjson.dumps(data.model_dump(mode="json"))
    else:
        body = orjson.dumps(data, default=_default)
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def _default(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")
