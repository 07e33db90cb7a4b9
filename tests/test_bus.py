"""The post-commit event bus: every subscriber hears every commit, in order, whatever fails."""

from __future__ import annotations

import logging

import pytest

from hub.bus import EventBus
from hub.wire.server import LoggedEvent


def _event(seq: int) -> LoggedEvent:
    return LoggedEvent(7, seq, "message.new", f'{{"seq": {seq}}}', ())


async def test_subscribers_hear_each_commit_in_subscription_order() -> None:
    bus = EventBus()
    heard: list[tuple[str, list[int]]] = []

    def recorder(name: str):  # type: ignore[no-untyped-def]
        async def hear(events: list[LoggedEvent]) -> None:
            heard.append((name, [event.seq for event in events]))

        return hear

    bus.subscribe("fan-out", recorder("fan-out"))
    bus.subscribe("bots", recorder("bots"))
    await bus.publish([_event(1), _event(2)])
    await bus.publish([])  # an empty commit is nobody's business
    await bus.publish([_event(3)])
    assert heard == [
        ("fan-out", [1, 2]),
        ("bots", [1, 2]),
        ("fan-out", [3]),
        ("bots", [3]),
    ]


async def test_a_failing_subscriber_does_not_starve_the_others_and_is_not_silent(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bus = EventBus()
    heard: list[int] = []

    async def broken(events: list[LoggedEvent]) -> None:
        raise ConnectionError("broker down")

    async def webhooks(events: list[LoggedEvent]) -> None:
        heard.extend(event.seq for event in events)

    bus.subscribe("fan-out", broken)
    bus.subscribe("webhooks", webhooks)
    with caplog.at_level(logging.WARNING):
        # The events are committed: the publisher (the writer) must still acknowledge them.
        await bus.publish([_event(5)])
    assert heard == [5], "the webhook sender must still hear the commit"
    assert "event subscriber fan-out failed" in caplog.text
    assert "ConnectionError: broker down" in caplog.text, "logged with its traceback"
