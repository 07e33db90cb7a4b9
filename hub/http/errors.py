"""Errors as JSON: one handler per kind of exception, installed on the app by hub.app.

A `HubError` carries its own code and status; Starlette's own 404/405 become the same
`{"error": {"code", "message"}}` shape: a path that matches no route is `not_found`, a
method its routes do not take is `method_not_allowed` with `Allow`. Anything else is
logged with its traceback and answered as `internal` without details (see docs/api.md
"Errors").
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route

from hub.errors import ErrorCode, HubError
from hub.http.responses import json_response

log = logging.getLogger(__name__)

_API_PREFIXES = ("/api/", "/hooks/")
_STATIC_METHODS = ["GET", "HEAD"]  # the web client's files are read-only


async def _hub_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HubError)
    return json_response({"error": exc.to_dict()}, status=exc.status, headers=exc.headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code not in (404, 405):
        body = {"error": {"code": ErrorCode.bad_request.value, "message": str(exc.detail)}}
        return json_response(body, status=exc.status_code, headers=dict(exc.headers or {}))
    allowed = _methods_for(request)
    path = request.url.path
    if not allowed and (exc.status_code == 404 or path.startswith(_API_PREFIXES)):
        # Under the API a path that matches no route is not found, whatever the method
        # (the web client's static files would otherwise answer 405 for a POST).
        message = (
            f"No route matches {path}; ids in a path are whole numbers. "
            "See /openapi.json for every route."
        )
        return json_response(
            {"error": {"code": ErrorCode.not_found.value, "message": message}}, 404
        )
    # Starlette names only the first route of the path; every route of it counts.
    methods = ", ".join(allowed or _STATIC_METHODS)
    message = f"{path} does not take {request.method}; it takes {methods}."
    return json_response(
        {"error": {"code": ErrorCode.method_not_allowed.value, "message": message}},
        status=405,
        headers={"Allow": methods},
    )


def _methods_for(request: Request) -> list[str]:
    """Every method some route takes on this path (the web client's files aside)."""
    methods: set[str] = set()
    for route in request.app.routes:
        if (
            isinstance(route, Route)
            and route.methods
            and route.matches(request.scope)[0] != Match.NONE
        ):
            methods |= route.methods
    return sorted(methods)


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
