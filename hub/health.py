"""Health endpoints: liveness, readiness (database and broker) and Prometheus metrics.

See docs/operations.md. /healthz says the process answers; /readyz says it can do work,
so a load balancer stops sending traffic to a process that lost its database or broker.
"""

from __future__ import annotations

import logging
from typing import Literal

import sqlalchemy as sa
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from hub.http import ApiRoute, hub_of, json_response
from hub.wire.server import Wire

log = logging.getLogger(__name__)


class Health(Wire):
    """The process is alive."""

    status: Literal["ok"]


class Readiness(Wire):
    """Whether each dependency answered: "ok", or what went wrong."""

    status: Literal["ok", "unavailable"]
    checks: dict[str, str]


async def healthz(request: Request) -> Response:
    """Liveness: answers as long as the process serves requests."""
    return json_response(Health(status="ok"))


async def readyz(request: Request) -> Response:
    """Readiness: the database answers `SELECT 1` and the broker answers a ping."""
    hub = hub_of(request)
    checks: dict[str, str] = {}
    try:
        async with hub.engine.connect() as conn:
            # Raw SQL on purpose: the probe needs an answer from the database, not a table.
            await conn.execute(sa.text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as error:  # a readiness probe reports any failure, it does not raise
        log.warning("readiness: database check failed", exc_info=True)
        checks["database"] = f"failed: {type(error).__name__}"
    try:
        await hub.broker.ping()
        checks["broker"] = "ok"
    except Exception as error:
        log.warning("readiness: broker check failed", exc_info=True)
        checks["broker"] = f"failed: {type(error).__name__}"
    ready = all(value == "ok" for value in checks.values())
    body = Readiness(status="ok" if ready else "unavailable", checks=checks)
    return json_response(body, status=200 if ready else 503)


async def metrics(request: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


health_routes: list[BaseRoute] = [
    ApiRoute(
        "GET",
        "/healthz",
        healthz,
        summary="Liveness",
        tag="ops",
        auth=False,
        responses={200: Health},
    ),
    ApiRoute(
        "GET",
        "/readyz",
        readyz,
        summary="Readiness",
        tag="ops",
        auth=False,
        responses={200: Readiness, 503: Readiness},
    ),
    Route("/metrics", metrics, methods=["GET"]),
]
