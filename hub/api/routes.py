"""Every HTTP API route, gathered in one list for the app, plus the OpenAPI document that describes them."""

from __future__ import annotations

from functools import cache
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from hub.api import (
    auth_routes,
    bot_admin_routes,
    bot_routes,
    channel_routes,
    department_routes,
    message_routes,
    people_routes,
)
from hub.api.deps import json_response
from hub.api.openapi import build_document
from hub.files import routes as file_routes
from hub.integrations import routes as integration_routes
from hub.ops import ops_routes

documented_routes: list[BaseRoute] = [
    *auth_routes.routes,
    *people_routes.routes,
    *department_routes.routes,
    *channel_routes.routes,
    *message_routes.routes,
    *bot_routes.routes,
    *bot_admin_routes.routes,
    *integration_routes.routes,
    *file_routes.routes,
]


@cache
def openapi_document() -> dict[str, Any]:
    return build_document([*ops_routes, *documented_routes])


async def openapi_json(request: Request) -> Response:
    return json_response(openapi_document())


api_routes: list[BaseRoute] = [
    *documented_routes,
    Route("/openapi.json", openapi_json, methods=["GET"]),
]
