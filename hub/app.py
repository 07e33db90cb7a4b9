"""The app factory: builds the Starlette app and, in its lifespan, the hub's running parts."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, WebSocketRoute
from starlette.staticfiles import StaticFiles

from hub.api.deps import json_response
from hub.api.routes import api_routes
from hub.bots.registry import enabled_bots, ensure_bot_users
from hub.bots.runtime import BotRuntime
from hub.broker import create_broker
from hub.config import Settings, get_settings
from hub.db import create_engine, create_sessionmaker
from hub.errors import ErrorCode, HubError
from hub.files.prune import UploadPruner
from hub.integrations.sender import WebhookSender
from hub.ops import ops_routes
from hub.ratelimit import create_send_limiter
from hub.realtime.delivery import Delivery
from hub.realtime.endpoint import websocket_endpoint
from hub.realtime.presence import create_presence
from hub.state import HubState
from hub.timers import TimerService
from hub.writer import GroupCommitter

log = logging.getLogger(__name__)
WEB_DIR = Path(__file__).resolve().parent.parent / "web"


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        engine = create_engine(settings.database_url)
        sessions = create_sessionmaker(engine)
        broker = create_broker(settings.redis_url)
        presence = create_presence(settings, broker)
        delivery = Delivery(settings, sessions, broker, presence)
        committer = GroupCommitter(engine, delivery.publish, settings.group_commit_max_batch)
        app.state.hub = HubState(
            settings=settings,
            secret=settings.secret(),
            engine=engine,
            sessions=sessions,
            broker=broker,
            committer=committer,
            delivery=delivery,
            presence=presence,
            send_limiter=create_send_limiter(
                settings.redis_url, settings.send_rate_per_second, settings.send_rate_burst
            ),
        )
        hub: HubState = app.state.hub
        loaded = await ensure_bot_users(sessions, enabled_bots(settings), settings)
        hub.bots = BotRuntime(hub, loaded)
        # Committed events reach connections, and bots listening for them, through the runtime.
        committer.publish = hub.bots.publish
        hub.webhooks = WebhookSender(settings, engine)
        committer.publish = hub.webhooks.noticing(committer.publish)
        hub.timers = TimerService(
            engine,
            hub.bots.fire_timer,
            process_id=f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}",
            poll_seconds=settings.timer_poll_seconds,
            late_after_seconds=settings.timer_late_after_seconds,
            lease_seconds=settings.timer_lease_seconds,
        )
        pruner = UploadPruner(
            engine, settings.data_dir, keep=timedelta(days=settings.unattached_upload_days)
        )
        await broker.start(delivery.on_broker_message)
        await presence.start()
        await committer.start()
        await hub.timers.start()
        await hub.webhooks.start()
        await pruner.start()
        try:
            yield
        finally:
            await pruner.stop()
            await hub.timers.stop()
            await hub.webhooks.stop()
            await delivery.close_all()
            await hub.bots.stop()
            await committer.stop()
            await presence.stop()
            await app.state.hub.send_limiter.close()
            await broker.close()
            await engine.dispose()

    routes: list[BaseRoute] = [
        *ops_routes,
        *api_routes,
        WebSocketRoute("/ws", websocket_endpoint),
    ]
    if WEB_DIR.is_dir():
        routes.append(Mount("/", StaticFiles(directory=WEB_DIR, html=True), name="web"))
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={
            HubError: _hub_error,
            HTTPException: _http_error,
            Exception: _unexpected_error,
        },
    )
    return app


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
