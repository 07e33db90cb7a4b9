"""Interactive chat cards: the document bots post, its checks, its text form, its permissions.

Reference for bot authors: docs/cards.md; JSON Schema: docs/card.schema.json.
"""

from __future__ import annotations

from hub.cards.access import actions_for, find_action, may_take
from hub.cards.document import CARD_SCHEMA_VERSION
from hub.cards.fallback import fallback_text
from hub.cards.json_schema import card_json_schema
from hub.cards.validation import validate_card
from hub.cards.values import check_values, input_blocks

__all__ = [
    "CARD_SCHEMA_VERSION",
    "actions_for",
    "card_json_schema",
    "check_values",
    "fallback_text",
    "find_action",
    "input_blocks",
    "may_take",
    "validate_card",
]
