"""The OpenAPI document: valid OpenAPI 3.1, served, and complete (every route exercised).

Every response in tests/api is validated against this document by the recorder in conftest.py.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from hub.app import openapi_document
from hub.errors import ErrorCode


def test_document_is_valid_openapi_3_1() -> None:
    document = openapi_document()
    assert document["openapi"].startswith("3.1")
    validate(document)
    codes = document["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"][
        "enum"
    ]
    assert codes == [code.value for code in ErrorCode]


def test_an_invalid_document_is_caught() -> None:
    # The validator really checks: a response without a description is an error.
    broken: dict[str, Any] = {
        **openapi_document(),
        "paths": {"/x": {"get": {"responses": {"200": {}}}}},
    }
    with pytest.raises(OpenAPIValidationError):
        validate(broken)


def test_recorder_rejects_a_response_that_does_not_match(recorder: Any) -> None:
    request = httpx.Request("GET", "http://testserver/healthz")
    response = httpx.Response(200, json={"status": "fine"}, request=request)
    with pytest.raises(AssertionError, match="does not match"):
        import asyncio

        asyncio.run(recorder(response))


async def test_document_is_served(anon: httpx.AsyncClient) -> None:
    response = await anon.get("/openapi.json")
    assert response.status_code == 200
    assert response.json() == openapi_document()
    assert "/metrics" not in response.json()["paths"] and "/healthz" in response.json()["paths"]


async def test_health_ready_and_metrics(
    anon: httpx.AsyncClient, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (await anon.get("/healthz")).json() == {"status": "ok"}
    ready = await anon.get("/readyz")
    assert ready.status_code == 200 and ready.json() == {
        "status": "ok",
        "checks": {"database": "ok", "broker": "ok"},
    }

    async def broker_down() -> None:
        raise ConnectionError("broker gone")

    monkeypatch.setattr(app.state.hub.broker, "ping", broker_down)
    # Without the broker the process still accepts and stores messages: degraded, still ready.
    degraded = await anon.get("/readyz")
    assert degraded.status_code == 200
    assert degraded.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "broker": "degraded: ConnectionError"},
    }

    class DatabaseDown:
        def connect(self) -> None:
            raise ConnectionError("database gone")

    monkeypatch.setattr(app.state.hub, "engine", DatabaseDown())
    down = await anon.get("/readyz")
    assert down.status_code == 503
    assert down.json()["status"] == "unavailable"
    assert down.json()["checks"]["database"] == "failed: ConnectionError"

    metrics = await anon.get("/metrics")
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    assert "python_info" in metrics.text or "process_" in metrics.text


def test_every_documented_route_is_exercised(full_api_run: bool) -> None:
    """Runs last (see conftest); skipped when only part of tests/api was selected."""
    from conftest import ROUTES_SEEN  # the same module pytest loaded for this directory

    if not full_api_run:
        pytest.skip("run all of tests/api to check route coverage")
    documented = {
        (path, method) for path, item in openapi_document()["paths"].items() for method in item
    }
    missing = sorted(documented - ROUTES_SEEN)
    assert not missing, f"documented routes no test exercised: {missing}"
