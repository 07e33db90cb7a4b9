"""Errors as JSON: one handler per kind of exception, installed on the app by hub.app.

A `HubError` carries its own code and status; Starlette's own 404/405 become the same
`{"error": {"code", "message"}}` shape; anything else is logged with its traceback and
answered as `internal` without details (see docs/api.md "Errors").
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from hub.errors import ErrorCode, HubError
from hub.http.responses import json_response

log = logging.getLogger(__name__)


async def _hub_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HubError)
    return json_response({"error": exc.to_dict()}, status=exc.status, headers=exc.headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = {404: ErrorCode.not_found, 405: ErrorCode.bad_request}.get(
        exc.status_code, ErrorCode.bad_request
    )
    message = "No such route; see /openapi.json." if exc.status_code == 404 else str(exc.detail)
    return json_response(
        {"error": {"code": code.value, "message": message}}, status=exc.status_code
    )


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    body = {
        "error": {
            "code": ErrorCode.internal.value,
            "message": "Something went wrong on the server; it is logged. Retry shortly.",
        }
    }
    return json_response(body, status=500)


ExceptionHandler = Callable[[Request, Exception], Awaitable[Response]]

exception_handlers: dict[type[Exception] | int, ExceptionHandler] = {
    HubError: _hub_error,
    HTTPException: _http_error,
    Exception: _unexpected_error,
}
