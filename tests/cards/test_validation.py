"""validate_card: good cards normalise and round-trip; bad ones name the first bad path."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from hub.cards import CARD_SCHEMA_VERSION, validate_card
from hub.errors import ErrorCode, HubError

DOCS = Path(__file__).resolve().parents[2] / "docs" / "cards.md"


def docs_cards() -> list[dict[str, Any]]:
    """Every card document shown in docs/cards.md (JSON blocks with a "schema" key)."""
    blocks = re.findall(r"```json\n(.*?)\n```", DOCS.read_text(encoding="utf-8"), re.S)
    return [doc for doc in map(json.loads, blocks) if "schema" in doc]


def _input(kind: str, name: str, **extra: Any) -> dict[str, Any]:
    return {"type": "input", "kind": kind, "name": name, "label": name.title(), **extra}


EVERY_KIND: dict[str, Any] = {
    "schema": 1,
    "fallback": "Everything at once",
    "header": {"title": "All blocks", "subtitle": "and every input", "icon": "https://x.cn/i.png"},
    "status": {"label": "Done", "tone": "success"},
    "blocks": [
        {"type": "markdown", "text": "# Hello"},
        {"type": "fields", "fields": [{"label": "A", "value": ""}]},
        {
            "type": "timeline",
            "steps": [{"title": "S", "state": "skipped", "at": "2025-01-01T00:00:00Z"}],
        },
        {"type": "divider"},
        {"type": "context", "text": "ctx"},
        {"type": "image", "url": "https://img.example/a.png", "alt": "A"},
        _input("text", "t", max_length=10, default="hi", placeholder="p", hint="h"),
        _input("textarea", "ta"),
        _input("number", "n", min=-1, max=1.5, default=0),
        _input("money", "m", currency="USD", min=0, default="1.5"),
        _input("date", "d", default="2024-02-29"),
        _input("date_range", "dr", default={"start": "2025-01-01", "end": "2025-01-01"}),
        _input("select", "s", options=[{"value": "a", "label": "A"}], multiple=True, default=["a"]),
        _input("people", "p", multiple=True, default=[1, 2]),
        _input("department", "dep", default=3),
        _input("checkbox", "c", default=False),
        _input("file", "f", accept=["application/pdf", "image/*"], max_files=2),
        {"type": "actions", "actions": [{"id": "go", "label": "Go", "allowed": {}}]},
    ],
}

GOOD_CARDS: list[Any] = [{"schema": 1}, EVERY_KIND, *docs_cards()]


def test_the_docs_show_the_full_example_the_smaller_one_and_the_tables() -> None:
    cards = docs_cards()
    assert len(cards) == 3
    kinds = {block.get("kind") for card in cards for block in card["blocks"]}
    assert kinds >= {"text", "textarea", "money", "date", "date_range", "select", "people"}
    assert {"table"} <= kinds and "table" in {block["type"] for block in cards[2]["blocks"]}


def test_minimal_card_is_filled_in() -> None:
    assert validate_card({"schema": 1}) == {"schema": 1, "fallback": "", "blocks": []}
    assert validate_card({"schema": 2}) == {"schema": 2, "fallback": "", "blocks": []}
    assert CARD_SCHEMA_VERSION == 3
    assert validate_card({"schema": 3}) == {"schema": 3, "fallback": "", "blocks": []}


@pytest.mark.parametrize("doc", GOOD_CARDS)
def test_good_cards_round_trip(doc: dict[str, Any]) -> None:
    card = validate_card(doc)
    assert json.loads(json.dumps(card)) == card
    assert validate_card(card) == card
    assert card["schema"] == doc["schema"]  # kept as given: 1, 2 or 3
    assert card["fallback"] or doc == {"schema": 1}


def test_defaults_are_filled_in_and_values_normalised() -> None:
    card = validate_card(docs_cards()[0])
    fields = card["blocks"][1]["fields"]
    assert [field["short"] for field in fields] == [True, True, False]
    approve = card["blocks"][6]["actions"][0]
    assert approve["style"] == "primary" and "confirm" not in approve
    comment = card["blocks"][5]
    assert comment["required"] is False and "default" not in comment
    assert card["blocks"][4]["max"] == 3280.5 and card["blocks"][4]["min"] == 0
    assert card["fallback"].startswith("报销申请 Expense claim #1024 [待审批 Pending]")


def test_given_fallback_is_kept_and_timestamps_are_iso_strings() -> None:
    card = validate_card(EVERY_KIND)
    assert card["fallback"] == "Everything at once"
    assert card["blocks"][2]["steps"][0]["at"] == "2025-01-01T00:00:00Z"
    number = card["blocks"][8]
    assert (number["min"], number["max"], number["default"]) == (-1, 1.5, 0)
    assert card["blocks"][-1]["actions"][0]["allowed"] == {"people": [], "roles": []}


def test_blank_fallback_is_built_from_the_content() -> None:
    card = validate_card({"schema": 1, "fallback": " ", "header": {"title": "T"}})
    assert card["fallback"] == "T"


def test_null_means_absent() -> None:
    card = validate_card({"schema": 1, "header": {"title": "T", "subtitle": None}, "status": None})
    assert card["header"] == {"title": "T"} and "status" not in card


def _card(*blocks: Any, **top: Any) -> dict[str, Any]:
    return {"schema": 1, **top, "blocks": list(blocks)}


_OK = {"type": "markdown", "text": "ok"}
_APPROVE = {"id": "approve", "label": "Approve"}

BAD_CARDS = [
    pytest.param([], "", "must be a JSON object, not a list", id="not-an-object"),
    pytest.param("card", "", "not a string", id="a-string"),
    pytest.param({}, "schema", "this hub understands card schema 3 (and 1 and 2)", id="no-schema"),
    pytest.param({"schema": 4}, "schema", "this hub understands card schema 3", id="schema-4"),
    pytest.param({"schema": "1"}, "schema", "must be 3", id="schema-string"),
    pytest.param({"schema": True}, "schema", "must be 3", id="schema-true"),
    pytest.param({"schema": 1, "colour": "red"}, "colour", "allowed: schema, fallback", id="extra"),
    pytest.param(
        _card(_OK, {"type": "chart"}), "blocks[1]", "unknown block type `chart`", id="type"
    ),
    pytest.param(_card({"text": "x"}), "blocks[0]", "needs a `type`", id="no-type"),
    pytest.param(_card("x"), "blocks[0]", "must be a JSON object", id="block-not-object"),
    pytest.param({"schema": 1, "blocks": {}}, "blocks", "must be a list", id="blocks-object"),
    pytest.param({"schema": 1, "header": {}}, "header.title", "is required", id="no-title"),
    pytest.param(
        {"schema": 1, "header": {"title": "T", "icon": "http://x.cn/a.png"}},
        "header.icon",
        "https:// URL",
        id="icon-http",
    ),
    pytest.param(
        {"schema": 1, "status": {"label": "x", "tone": "pink"}},
        "status.tone",
        "must be one of neutral, info, success, warning, danger.",
        id="tone",
    ),
    pytest.param(
        _card(_OK, _OK, {"type": "actions", "actions": [{**_APPROVE, "style": "bold"}]}),
        "blocks[2].actions[0].style",
        "The card is not valid at `blocks[2].actions[0].style`: "
        "must be one of default, primary, danger.",
        id="style",
    ),
    pytest.param(
        _card(
            {"type": "actions", "actions": [_APPROVE]},
            {"type": "actions", "actions": [{"id": "reject", "label": "R"}, _APPROVE]},
        ),
        "blocks[1].actions[1].id",
        "another action already has the id `approve`",
        id="duplicate-action",
    ),
    pytest.param(
        _card({"type": "actions", "actions": [{**_APPROVE, "id": "Approve"}]}),
        "blocks[0].actions[0].id",
        "must be an identifier",
        id="action-id-pattern",
    ),
    pytest.param(
        _card({"type": "actions", "actions": []}),
        "blocks[0].actions",
        "at least 1 item",
        id="no-actions",
    ),
    pytest.param(
        _card({"type": "actions", "actions": [{**_APPROVE, "allowed": {"people": ["8"]}}]}),
        "blocks[0].actions[0].allowed.people[0]",
        "must be an integer",
        id="allowed-people-string",
    ),
    pytest.param(
        _card({"type": "actions", "actions": [{**_APPROVE, "confirm": {"title": "Sure?"}}]}),
        "blocks[0].actions[0].confirm.text",
        "is required",
        id="confirm-no-text",
    ),
    pytest.param(
        _card(_input("text", "note"), _OK, _input("textarea", "note")),
        "blocks[2].name",
        "another input is already named `note`",
        id="duplicate-input",
    ),
    pytest.param(
        _card(_input("select", "pick", options=[])),
        "blocks[0].options",
        "must have at least 1 item",
        id="select-no-options",
    ),
    pytest.param(
        _card(_input("select", "pick")), "blocks[0].options", "is required", id="select-missing"
    ),
    pytest.param(
        _card(_input("select", "pick", options=[{"value": "a", "label": "A"}] * 2)),
        "blocks[0].options[1].value",
        "option values must be unique",
        id="duplicate-option",
    ),
    pytest.param(
        _card(_input("select", "pick", options=[{"value": "a", "label": "A"}], default="b")),
        "blocks[0].default",
        '"b" is not one of the options: a.',
        id="select-default",
    ),
    pytest.param(
        _card(_input("colour", "c")), "blocks[0]", "unknown input kind `colour`", id="kind"
    ),
    pytest.param(
        _card(_input("text", "t", options=[])),
        "blocks[0].options",
        "is not a known key here; allowed: type, kind, name, label",
        id="key-of-another-kind",
    ),
    pytest.param(
        _card(_input("money", "m", min=10, max=1)),
        "blocks[0].max",
        "must not be less than min (10)",
        id="min-max",
    ),
    pytest.param(
        _card(_input("money", "m", default="1.234")),
        "blocks[0].default",
        "at most 2 decimals",
        id="money-default",
    ),
    pytest.param(
        _card(_input("money", "m", currency="rmb")), "blocks[0].currency", "ISO 4217", id="currency"
    ),
    pytest.param(
        _card(_input("number", "n", min=True)), "blocks[0].min", "must be a number", id="bool-min"
    ),
    pytest.param(
        _card(_input("date", "d", default="2025-02-30")),
        "blocks[0].default",
        "real date",
        id="date-default",
    ),
    pytest.param(
        _card(_input("file", "f", accept=["pdf"])),
        "blocks[0].accept[0]",
        "MIME type",
        id="file-accept",
    ),
    pytest.param(
        _card(_input("file", "f", default=["x"])),
        "blocks[0].default",
        "not a known key",
        id="file-default",
    ),
    pytest.param(
        _card({"type": "image", "url": "/a.png"}), "blocks[0].alt", "is required", id="alt"
    ),
    pytest.param(
        _card({"type": "image", "url": "//evil.example/a.png", "alt": "A"}),
        "blocks[0].url",
        'starting with "/"',
        id="image-url",
    ),
    pytest.param(
        _card(
            {
                "type": "timeline",
                "steps": [{"title": "S", "state": "done", "at": "2025-01-01T00:00"}],
            }
        ),
        "blocks[0].steps[0].at",
        "must include a time zone",
        id="naive-datetime",
    ),
    pytest.param(
        _card({"type": "timeline", "steps": [{"title": "S", "state": "done", "at": 1700000000}]}),
        "blocks[0].steps[0].at",
        "ISO-8601",
        id="timestamp-number",
    ),
    pytest.param(
        _card({"type": "timeline", "steps": [{"title": "S", "state": "waiting"}]}),
        "blocks[0].steps[0].state",
        "must be one of done, current, pending, rejected, skipped.",
        id="step-state",
    ),
    pytest.param(
        _card({"type": "fields", "fields": [{"label": "L", "value": 3}]}),
        "blocks[0].fields[0].value",
        "must be a string",
        id="field-value-number",
    ),
    pytest.param(
        _card({"type": "fields", "fields": [{"label": "L", "value": "v", "short": "yes"}]}),
        "blocks[0].fields[0].short",
        "must be true or false",
        id="short-string",
    ),
    pytest.param(
        _card({"type": "markdown", "text": ""}), "blocks[0].text", "must not be empty", id="empty"
    ),
    pytest.param(
        _card({"type": "context", "text": "x" * 501}),
        "blocks[0].text",
        "at most 500 characters",
        id="too-long",
    ),
    pytest.param(
        _card(*[{"type": "divider"}] * 51), "blocks", "at most 50 items (it has 51)", id="51-blocks"
    ),
    pytest.param(
        _card(_OK, {"type": "divider", "text": "x"}, {"type": "chart"}),
        "blocks[1].text",
        "allowed: type.",
        id="first-error-wins",
    ),
]


@pytest.mark.parametrize(("doc", "path", "message"), BAD_CARDS)
def test_bad_cards_name_the_first_bad_path(doc: object, path: str, message: str) -> None:
    with pytest.raises(HubError) as caught:
        validate_card(doc)
    error = caught.value
    assert error.code is ErrorCode.card_invalid and error.status == 422
    assert error.details == {"path": path}
    assert message in error.message
    where = f"`{path}`: " if path else ": it "
    assert error.message.startswith(f"The card is not valid{' at ' if path else ''}{where}")
