"""Bot apps over HTTP: each bot's own routes under /api/v1/apps/<bot>/, the list of apps a
person may open, and the apps' page files at /apps/<bot>/.

A bot's routes are made into `ApiRoute`s when the app is built, from the enabled bots, so
they are in /openapi.json beside the hub's own, with the same sign-in, origin check and
error shape. Running one is the bot runtime's (one transaction, BotError in the caller's
language). See docs/apps.md.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, RootModel
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

from hub.botkit.bot import AppRoute, Bot, localized
from hub.botkit.context import AppRequest
from hub.bots.apps import app_file
from hub.errors import ErrorCode, HubError
from hub.http import ApiRoute, current_person, hub_of, json_body, json_response
from hub.wire.server import Wire

TAG = "apps"
_BODY_METHODS = {"POST", "PUT", "PATCH"}


class AppData(RootModel[Any]):
    """Any JSON: what a bot app route takes or answers when it names no model."""


class AppInfo(Wire):
    """A bot app you may open: its page's entry module and its title in each language."""

    bot: str
    title: dict[str, str]
    icon: str | None = None
    entry: str
    api: str


class AppList(Wire):
    """The bot apps you may open, for the web client's sidebar."""

    apps: list[AppInfo]


async def list_apps(request: Request) -> Response:
    """The bot apps you may open (their pages), in the order the bots are enabled."""
    hub = hub_of(request)
    me = await current_person(request)
    apps = []
    for loaded in hub.bots.bots:
        page = loaded.bot.app
        if page is None or (me.is_guest and not page.guests):
            continue
        name = loaded.bot.name
        apps.append(
            AppInfo(
                bot=name,
                title={"en": localized(page.title, "en"), "zh-CN": localized(page.title, "zh-CN")},
                icon=page.icon,
                entry=f"/apps/{name}/index.js",
                api=f"/api/v1/apps/{name}",
            )
        )
    return json_response(AppList(apps=apps))


async def app_page_file(request: Request) -> Response:
    """A file of a bot's page: static code, served to anyone like the client's own modules."""
    hub = hub_of(request)
    name, path = request.path_params["bot"], request.path_params["path"]
    loaded = hub.bots.loaded(name)
    page = loaded.bot.app if loaded else None
    found = app_file(page.web, path) if page is not None and page.web is not None else None
    if found is None:
        raise HubError(ErrorCode.not_found, f"No file {path!r} in the {name} app.")
    file, content_type = found
    return FileResponse(
        file,
        media_type=content_type,
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"},
    )


def _endpoint(bot: Bot, route: AppRoute) -> Any:
    async def endpoint(request: Request) -> Response:
        me = await current_person(request)
        data: Any = None
        if route.body is not None:
            data = await json_body(request, route.body)
        elif route.method in _BODY_METHODS:
            data = (await json_body(request, AppData)).root
        call = AppRequest(
            method=route.method,
            path=route.path,
            params=dict(request.path_params),
            query=dict(request.query_params),
            json=data,
        )
        encoded = await hub_of(request).bots.run_app_route(me, bot.name, route, call)
        return Response(encoded, media_type="application/json")

    # The operation id in /openapi.json: unique per bot, method and path.
    slug = re.sub(r"[^a-z0-9]+", "_", route.path.lower()).strip("_")
    endpoint.__name__ = f"app_{bot.name}_{route.method.lower()}_{slug}".replace("-", "_")
    endpoint.__doc__ = route.handler.__doc__
    return endpoint


def _response_model(route: AppRoute) -> type[BaseModel]:
    return route.response if route.response is not None else AppData


def bot_app_routes(bots: list[Bot]) -> list[BaseRoute]:
    """The enabled bots' app routes, documented like the hub's own."""
    made: list[BaseRoute] = []
    for bot in bots:
        for route in bot.routes:
            body = route.body or (AppData if route.method in _BODY_METHODS else None)
            errors = [ErrorCode.bad_request, ErrorCode.not_found, ErrorCode.bot_failed]
            errors.append(ErrorCode.bot_timeout)
            if route.method != "GET":
                errors.append(ErrorCode.rate_limited)
            made.append(
                ApiRoute(
                    route.method,
                    f"/api/v1/apps/{bot.name}{route.path}",
                    _endpoint(bot, route),
                    summary=f"{bot.name}: {route.summary}",
                    tag=TAG,
                    body=body,
                    responses={200: _response_model(route)},
                    errors=errors,
                )
            )
    return made


routes: list[BaseRoute] = [
    ApiRoute(
        "GET",
        "/api/v1/apps",
        list_apps,
        summary="The bot apps you may open",
        tag=TAG,
        responses={200: AppList},
    ),
    Route("/apps/{bot}/{path:path}", app_page_file, methods=["GET", "HEAD"]),
]
