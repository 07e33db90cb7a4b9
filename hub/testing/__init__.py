"""A test kit for bot authors: a real hub with an org chart and a controlled clock.

    pytest_plugins = ["hub.testing.plugin"]      # conftest.py: the `harness` fixture

    async def test_leave(harness):
        reply = await harness.command("/leave", as_="bob")
        ...
        await harness.advance(hours=24)

See docs/testing-bots.md. The people (bob, his manager pete, dana above him, fiona in
finance, hank in HR, carol reading English, gina the partner guest) are in
hub.testing.orgchart.
"""

from hub.testing.clock import ControlledClock
from hub.testing.harness import DEFAULT_START, Harness, HarnessError, Reply

__all__ = ["DEFAULT_START", "ControlledClock", "Harness", "HarnessError", "Reply"]
