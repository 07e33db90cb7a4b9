"""card_json_schema: valid draft 2020-12, agrees with validate_card, committed without drift."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from hub.cards import card_json_schema, validate_card
from hub.cards.json_schema import render_json_schema
from tests.cards.test_validation import BAD_CARDS, GOOD_CARDS

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "card.schema.json"


def test_committed_schema_matches_the_models() -> None:
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    assert committed == render_json_schema(), (
        "docs/card.schema.json is out of date with hub/cards/schema.py: "
        "run `python -m hub.cards` to rewrite it, then commit it."
    )
    assert json.loads(committed) == card_json_schema()


def test_schema_is_a_valid_draft_2020_12_document() -> None:
    schema = card_json_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "https://hub.example/schemas/card-3.json"
    assert schema["title"] and schema["description"]
    assert schema["properties"]["schema"]["enum"] == [1, 2, 3]
    assert "discriminator" not in json.dumps(schema)
    # Field names survive the removal of pydantic's per-property titles.
    assert schema["$defs"]["Header"]["required"] == ["title"]


@pytest.mark.parametrize("doc", GOOD_CARDS)
def test_good_cards_and_their_normal_form_fit_the_schema(doc: dict[str, Any]) -> None:
    validator = Draft202012Validator(card_json_schema())
    validator.validate(doc)
    validator.validate(validate_card(doc))


# Cards whose fault the JSON Schema can see (not the hub-only checks such as duplicates).
_SCHEMA_VISIBLE = {
    "not-an-object",
    "schema-4",
    "extra",
    "type",
    "no-title",
    "tone",
    "style",
    "select-no-options",
    "kind",
    "alt",
    "image-url",
    "51-blocks",
    "key-of-another-kind",
}


@pytest.mark.parametrize(
    "doc", [case.values[0] for case in BAD_CARDS if case.id in _SCHEMA_VISIBLE]
)
def test_bad_cards_fail_the_schema_too(doc: object) -> None:
    assert not Draft202012Validator(card_json_schema()).is_valid(doc)


def test_every_schema_visible_case_exists() -> None:
    assert {case.id for case in BAD_CARDS} >= _SCHEMA_VISIBLE
