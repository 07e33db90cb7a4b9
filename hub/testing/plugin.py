"""The pytest plugin: `pytest_plugins = ["hub.testing.plugin"]` in a bot package's conftest.py
gives its tests a `harness` fixture, a running hub with the package's bots enabled.

The bots come from the `hub_bots` ini option (`hub_bots = ["mybot:bot"]` under
[tool.pytest.ini_options]), or from a `hub_bots` fixture the package overrides.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from hub.testing.harness import Harness


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("hub_bots", "Bots the harness enables (names or module:attribute)", "linelist")


@pytest.fixture
def hub_bots(request: pytest.FixtureRequest) -> list[str]:
    bots: list[str] = request.config.getini("hub_bots")
    if not bots:
        raise pytest.UsageError(
            'The harness has no bots to run: set hub_bots = ["mypackage:bot"] under '
            "[tool.pytest.ini_options], or override the hub_bots fixture."
        )
    return bots


@pytest.fixture
def hub_database_url() -> str | None:
    """The database the harness uses; None is a fresh SQLite file per test."""
    return None


@pytest_asyncio.fixture
async def harness(
    hub_bots: list[str], hub_database_url: str | None, tmp_path: Path
) -> AsyncIterator[Harness]:
    async with Harness.start(hub_bots, tmp_path, database_url=hub_database_url) as hub:
        yield hub
