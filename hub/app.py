"""The app factory: builds the Starlette app and, in its lifespan, the hub's running parts."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from hub.api.app_routes import bot_app_routes
from hub.api.app_routes import routes as app_routes
from hub.api.routes import api_routes
from hub.auth.access import AccessSweeper
from hub.botkit import Bot
from hub.bots.registry import enabled_bots, ensure_bot_users
from hub.bots.runtime import BotRuntime
from hub.bots.services import BotServices
from hub.broker import create_broker
from hub.broker.outage import RedisHealth
from hub.bus import EventBus
from hub.config import Settings, get_settings
from hub.db import create_engine, create_sessionmaker
from hub.fanout.delivery import Delivery
from hub.fanout.presence import create_presence
from hub.files.prune import UploadPruner
from hub.files.routes import routes as file_routes
from hub.health import health_routes
from hub.http import json_response
from hub.http.errors import exception_handlers
from hub.http.openapi import build_document
from hub.inbox import notify_inbox
from hub.integrations.outgoing import enqueue_bot_event, enqueue_card_action
from hub.integrations.routes import routes as integration_routes
from hub.integrations.sender import WebhookSender
from hub.models import utcnow
from hub.ratelimit import create_send_limiter
from hub.realtime.endpoint import websocket_endpoint
from hub.state import HubState
from hub.workdays import calendar_from_settings
from hub.writer import Writer

WEB_DIR = Path(__file__).resolve().parent.parent / "web"


def create_app(
    settings: Settings | None = None, *, bot_clock: Callable[[], datetime] = utcnow
) -> Starlette:
    """The hub as an ASGI app. `bot_clock` is what bots see as now and when their timers
    come due; hub.testing passes a clock it moves (the rest of the hub keeps real time)."""
    settings = settings or get_settings()
    # Known before the app is built: the bots' app routes are routes like any other.
    bots = enabled_bots(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with _running_hub(settings, bots, bot_clock) as hub:
            app.state.hub = hub
            yield

    routes: list[BaseRoute] = [
        *http_routes(bots),
        Route("/openapi.json", _openapi_json, methods=["GET"]),
        WebSocketRoute("/ws", websocket_endpoint),
    ]
    if WEB_DIR.is_dir():
        routes.append(Mount("/", StaticFiles(directory=WEB_DIR, html=True), name="web"))
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers=exception_handlers,
    )
    app.state.bot_names = tuple(bot.name for bot in bots)
    if app.state.bot_names not in _documents:
        _documents[app.state.bot_names] = build_document(routes)
    return app


@asynccontextmanager
async def _running_hub(
    settings: Settings, enabled: list[Bot], bot_clock: Callable[[], datetime]
) -> AsyncIterator[HubState]:
    """Build every part once, subscribe the consumers of committed events to the one bus,
    start them, and stop them in the reverse order (docs/architecture.md)."""
    engine = create_engine(settings.database_url)
    sessions = create_sessionmaker(engine)
    # One record of whether Redis answers, for every part that uses it (hub.broker.outage).
    redis_health = RedisHealth()
    broker = create_broker(settings.redis_url, redis_health)
    bus = EventBus()
    writer = Writer(
        engine,
        bus,
        settings.group_commit_max_batch,
        # `delivery` is made below; this runs only after a commit, once the hub is up.
        on_inbox_changed=lambda people: notify_inbox(
            engine, people, delivery.publish_to_person, bot_clock
        ),
    )
    delivery = Delivery(sessions, broker)
    presence = create_presence(settings, broker, redis_health)
    send_limiter = create_send_limiter(
        settings.redis_url, settings.send_rate_per_second, settings.send_rate_burst, redis_health
    )
    loaded = await ensure_bot_users(sessions, enabled, settings)
    bots = BotRuntime(
        BotServices(
            settings=settings,
            process_id=f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}",
            engine=engine,
            sessions=sessions,
            bus=bus,
            send_limiter=send_limiter,
            send_to_person=delivery.publish_to_person,
            queue_card_action=enqueue_card_action,
            queue_bot_event=lambda conn, bot, event_type, data: enqueue_bot_event(
                conn, bot=bot, event_type=event_type, data=data
            ),
            calendar=calendar_from_settings(
                settings.workdays_country, settings.company_days_off, settings.company_workdays
            ),
            clock=bot_clock,
        ),
        loaded,
    )
    webhooks = WebhookSender(settings, engine)
    # Fan-out first, so live delivery never waits on a listener.
    bus.subscribe("fan-out", delivery.publish)
    bus.subscribe("bots", bots.on_committed)
    bus.subscribe("webhooks", webhooks.on_committed)
    sweeper = AccessSweeper(
        sessions,
        connected=delivery.connected_sessions,
        close=delivery.close_sessions,
        every_seconds=settings.account_check_seconds,
    )
    pruner = UploadPruner(
        engine, settings.data_dir, keep=timedelta(days=settings.unattached_upload_days)
    )
    await delivery.start()
    await presence.start()
    await writer.start()
    await bots.start()
    await webhooks.start()
    await sweeper.start()
    await pruner.start()
    try:
        yield HubState(
            settings=settings,
            secret=settings.secret(),
            engine=engine,
            sessions=sessions,
            broker=broker,
            bus=bus,
            writer=writer,
            delivery=delivery,
            presence=presence,
            send_limiter=send_limiter,
            bots=bots,
        )
    finally:
        await pruner.stop()
        await sweeper.stop()
        await bots.stop()
        await webhooks.stop()
        await delivery.close_all()
        await writer.stop()
        await presence.stop()
        await send_limiter.close()
        await broker.close()
        await engine.dispose()


def http_routes(bots: list[Bot]) -> list[BaseRoute]:
    """Every HTTP route, each feature's own list in turn, and the enabled bots' app routes."""
    return [
        *health_routes,
        *api_routes,
        *app_routes,
        *bot_app_routes(bots),
        *file_routes,
        *integration_routes,
    ]


# One document per set of enabled bots (their app routes are in it).
_documents: dict[tuple[str, ...], dict[str, Any]] = {}


def openapi_document(settings: Settings | None = None) -> dict[str, Any]:
    """The document of a hub with `settings`' bots (by default the default bots: poll)."""
    # model_construct: the defaults, whatever HUB_BOTS says in this environment.
    bots = enabled_bots(settings or Settings.model_construct())
    key = tuple(bot.name for bot in bots)
    if key not in _documents:
        _documents[key] = build_document(http_routes(bots))
    return _documents[key]


async def _openapi_json(request: Request) -> Response:
    return json_response(_documents[request.app.state.bot_names])
