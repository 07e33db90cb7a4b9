"""The card document as JSON Schema (draft 2020-12), derived from hub.cards.document.

Bot authors in other languages validate cards with docs/card.schema.json; it is generated
here (`python -m hub.cards` rewrites it) and a test fails when the committed file drifts
from the models. pydantic's output is tidied: OpenAPI's `discriminator` keyword is
dropped (JSON Schema has none; `oneOf` with `const` tags says the same) and so are the
per-property titles pydantic derives from field names.
"""

from __future__ import annotations

import json
from typing import Any

from hub.cards.document import CARD_SCHEMA_VERSION, Card

SCHEMA_ID = f"https://hub.example/schemas/card-{CARD_SCHEMA_VERSION}.json"
DRAFT = "https://json-schema.org/draft/2020-12/schema"


def card_json_schema() -> dict[str, Any]:
    """The JSON Schema of a card document (what a bot may send; see docs/cards.md)."""
    generated = _tidy(Card.model_json_schema(mode="validation"))
    return {
        "$schema": DRAFT,
        "$id": SCHEMA_ID,
        **generated,
        "title": f"Hub card, schema {CARD_SCHEMA_VERSION}",
        "description": (
            "An interactive card posted in a chat message: a header, a status badge and "
            "blocks of text, fields, timeline, tables, inputs and buttons. Reference: "
            "docs/cards.md. Checks this schema cannot express (unique action ids, input "
            "names and column ids, min <= max, defaults that fit their input, a table "
            "block's cells, tables only from schema 3) are made by the hub."
        ),
    }


def render_json_schema() -> str:
    """The text of docs/card.schema.json: pretty-printed, sorted keys, trailing newline."""
    return json.dumps(card_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _tidy(node: Any) -> Any:
    if isinstance(node, list):
        return [_tidy(item) for item in node]
    if not isinstance(node, dict):
        return node
    tidy = {key: _tidy(value) for key, value in node.items() if key != "discriminator"}
    if isinstance(node.get("properties"), dict):
        # Under "properties" the keys are field names (one is "title"), not keywords.
        tidy["properties"] = {
            name: {key: value for key, value in _tidy(prop).items() if key != "title"}
            for name, prop in node["properties"].items()
        }
    return tidy
