"""Health endpoints: liveness, readiness (database and broker) and Prometheus metrics.

See docs/operations.md. /healthz says the process answers; /readyz says it can do work,
so a load balancer stops sending traffic to a process that lost its database. A process
that lost Redis still accepts and stores messages (hub.broker.outage): it stays ready
(200) and says the broker is degraded.
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
    """Whether each dependency answered: "ok", or what went wrong. "degraded": the process
    works without the broker (limits per process, other processes catch up later)."""

    status: Literal["ok", "degraded", "unavailable"]
    checks: dict[str, str]


async def healthz(request: Request) -> Response:
    """Liveness: answers as long as the process serves requests."""
    return json_response(Health(status="ok"))


async def readyz(request: Request) -> Response:
    """Readiness: the database answers `SELECT 1` (else 503) and the broker answers a ping
    (else 200, degraded)."""
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
    except Exception as error:  # the broker logs its own outage once (hub.broker.outage)
        checks["broker"] = f"degraded: {type(error).__name__}"
    if checks["database"] != "ok":
        status: Literal["ok", "degraded", "unavailable"] = "unavailable"
    elif checks["broker"] != "ok":
        status = "degraded"
    else:
        status = "ok"
    body = Readiness(status=status, checks=checks)
    return json_response(body, status=503 if status == "unavailable" else 200)


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
