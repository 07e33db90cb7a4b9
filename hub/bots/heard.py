"""Which committed events bots hear, as (event name, channel, who, data): a pure function.

Bots listen with `@bot.on(name)` (hub.botkit.bot EVENT_NAMES). Channel events reach the
bots that are members of the channel; `person.deactivated` reaches every bot listening,
once per person (a deactivation leaves each of the person's channels with reason
"deactivated"). Bots never hear their own doings, nor other bots' messages (no loops).
See docs/bots.md ("Events").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson

from hub.wire.server import LoggedEvent

# Events a bot hears only where it is a member; the others are the organisation's.
CHANNEL_EVENTS = frozenset(
    {"message", "reaction.added", "reaction.removed", "member.joined", "member.left"}
)

_PUBLISHED = frozenset(
    {"message.new", "reaction.added", "reaction.removed", "member.joined", "member.left"}
)


@dataclass(frozen=True)
class Heard:
    name: str  # the @bot.on name
    channel_id: int | None
    person_id: int | None  # who did it
    data: dict[str, Any]


def heard_events(events: Iterable[LoggedEvent], bot_ids: set[int]) -> list[Heard]:
    heard: list[Heard] = []
    deactivated: set[int] = set()
    for event in events:
        if event.type not in _PUBLISHED:
            continue
        frame = orjson.loads(event.frame)
        if event.type == "message.new":
            message = frame["message"]
            if message["sender_id"] in bot_ids or message.get("card") is not None:
                continue  # bots do not hear bots (no loops), nor cards
            heard.append(Heard("message", event.channel_id, message["sender_id"], frame))
        elif event.type.startswith("reaction."):
            if frame["person_id"] not in bot_ids:
                heard.append(Heard(event.type, event.channel_id, frame["person_id"], frame))
        else:
            person_id = (
                frame["person"]["id"] if event.type == "member.joined" else frame["person_id"]
            )
            if person_id in bot_ids:
                continue
            heard.append(Heard(event.type, event.channel_id, person_id, frame))
            gone = event.type == "member.left" and frame["reason"] == "deactivated"
            if gone and person_id not in deactivated:
                deactivated.add(person_id)
                heard.append(Heard("person.deactivated", None, person_id, {"person_id": person_id}))
    return heard
