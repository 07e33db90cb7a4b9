"""Tables (card schema 3): the table input and the table block, validated, their values
checked per cell, their fallback text, their builders and their JSON Schema.
The per-cell value rules shared with the web client are in tests/cards/cases/values.json."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator

from hub.botkit import cards as b
from hub.cards import card_json_schema, check_values, fallback_text, validate_card
from hub.errors import ErrorCode, HubError

COLUMNS: list[dict[str, Any]] = [
    {"id": "item", "label": {"zh-CN": "项目", "en": "Item"}, "kind": "text", "required": True},
    {"id": "day", "label": "Day", "kind": "date"},
    {
        "id": "kind",
        "label": "Kind",
        "kind": "select",
        "options": [{"value": "taxi", "label": {"zh-CN": "出租车", "en": "Taxi"}}],
    },
    {"id": "amount", "label": "Amount", "kind": "money", "max": 1000, "total": True},
    {"id": "km", "label": "Km", "kind": "number", "min": 0, "total": True},
]
LINES: dict[str, Any] = {
    "type": "input",
    "kind": "table",
    "name": "lines",
    "label": "Lines",
    "columns": COLUMNS,
    "min_rows": 1,
    "max_rows": 3,
    "default": [{"item": "Taxi", "kind": "taxi", "amount": "35.00"}],
}
SHOWN: dict[str, Any] = {
    "type": "table",
    "title": {"zh-CN": "明细", "en": "Lines"},
    "columns": [
        {"id": "item", "label": "Item"},
        {"id": "kind", "label": "Kind", "kind": "select", "options": COLUMNS[2]["options"]},
        {"id": "amount", "label": "Amount", "kind": "money", "currency": "USD", "total": True},
        {"id": "km", "label": "Km", "kind": "number", "total": True},
    ],
    "rows": [
        {"item": "Taxi", "kind": "taxi", "amount": "35.00", "km": 12.5},
        {"item": "Hotel", "amount": 120, "km": 0.1},
        {"item": "Tea", "amount": "0.10", "km": 0.2},
    ],
}


def card(*blocks: Any, schema: int = 3) -> dict[str, Any]:
    return {"schema": schema, "blocks": list(blocks)}


def test_a_table_input_and_block_are_stored_with_their_defaults() -> None:
    stored = validate_card(card(LINES, SHOWN))
    columns = stored["blocks"][0]["columns"]
    assert columns[0] == {**COLUMNS[0], "required": True}
    assert columns[3] == {**COLUMNS[3], "required": False, "currency": "CNY"}
    assert columns[4]["total"] is True and "currency" not in columns[4]
    block_columns = stored["blocks"][1]["columns"]
    assert block_columns[0] == {"id": "item", "label": "Item", "kind": "text", "total": False}
    assert stored["blocks"][1]["rows"][1] == {"item": "Hotel", "amount": 120, "km": 0.1}
    assert validate_card(stored) == stored


@pytest.mark.parametrize("schema", [1, 2])
@pytest.mark.parametrize(
    ("block", "path"),
    [(LINES, "blocks[1].kind"), (SHOWN, "blocks[1].type")],
    ids=["input", "block"],
)
def test_older_schemas_refuse_a_table_naming_its_path(
    schema: int, block: dict[str, Any], path: str
) -> None:
    with pytest.raises(HubError) as refused:
        validate_card(card({"type": "divider"}, block, schema=schema))
    assert refused.value.details == {"path": path}
    assert refused.value.message == (
        f"The card is not valid at `{path}`: table needs card schema version 3"
        f" (this card says {schema})."
    )


def test_older_schemas_still_validate_as_before() -> None:
    old = {"schema": 2, "header": {"title": {"en": "Hi", "zh-CN": "你好"}}}
    assert validate_card(old) == {**old, "fallback": "你好", "blocks": []}
    assert validate_card({"schema": 1, "header": {"title": "T"}})["schema"] == 1


def _column(index: int, **change: Any) -> dict[str, Any]:
    columns = [dict(column) for column in COLUMNS]
    columns[index].update(change)
    return {**LINES, "columns": columns}


BAD = [
    pytest.param({**LINES, "columns": []}, "blocks[0].columns", "at least 1 item", id="no-columns"),
    pytest.param(_column(1, id="item"), "blocks[0].columns[1].id", "column ids must be unique", id="dup-id"),
    pytest.param(_column(1, id="Day"), "blocks[0].columns[1].id", "must be an identifier", id="id-pattern"),
    pytest.param(_column(1, kind="colour"), "blocks[0].columns[1]", "unknown column kind `colour`", id="kind"),
    pytest.param(_column(0, total=True), "blocks[0].columns[0].total", "not a known key here", id="text-total"),
    pytest.param(_column(1, options=[]), "blocks[0].columns[1].options", "not a known key", id="date-options"),
    pytest.param(_column(2, options=[]), "blocks[0].columns[2].options", "at least 1 item", id="no-options"),
    pytest.param(
        _column(2, options=[{"value": "a", "label": "A"}, {"value": "a", "label": "B"}]),
        "blocks[0].columns[2].options[1].value",
        "option values must be unique",
        id="dup-option",
    ),
    pytest.param(_column(3, min=5, max=1), "blocks[0].columns[3].max", "not be less than min (5)", id="min-max"),
    pytest.param(_column(3, currency="rmb"), "blocks[0].columns[3].currency", "ISO 4217", id="currency"),
    pytest.param({**LINES, "min_rows": 4}, "blocks[0].max_rows", "not be less than min_rows (4)", id="rows"),
    pytest.param({**LINES, "max_rows": 201}, "blocks[0].max_rows", "at most 200", id="max-rows-cap"),
    pytest.param({**LINES, "max_rows": 0}, "blocks[0].max_rows", "at least 1", id="max-rows-zero"),
    pytest.param(
        {**LINES, "default": [{"item": "Taxi"}, {"item": "Bus", "amount": "1.234"}]},
        "blocks[0].default[1].amount",
        "at most 2 decimals",
        id="default-cell",
    ),
    pytest.param(
        {**LINES, "default": [{"item": "A"}] * 4},
        "blocks[0].default",
        "at most 3 rows (it has 4)",
        id="default-rows",
    ),
    pytest.param({**SHOWN, "columns": []}, "blocks[0].columns", "at least 1 item", id="block-no-columns"),
    pytest.param(
        {**SHOWN, "rows": [{"item": "A", "colour": "red"}]},
        "blocks[0].rows[0].colour",
        "is not a column of this table",
        id="block-unknown-cell",
    ),
    pytest.param(
        {**SHOWN, "rows": [{"amount": "lots"}]},
        "blocks[0].rows[0].amount",
        "must be a number or a decimal string",
        id="block-amount",
    ),
    pytest.param(
        {**SHOWN, "rows": [{"item": True}]},
        "blocks[0].rows[0].item",
        "must be a string (at most 1000 characters) or a number",
        id="block-cell-type",
    ),
    pytest.param(
        {**SHOWN, "columns": [{"id": "item", "label": "Item", "total": True}]},
        "blocks[0].columns[0].total",
        "is only for number and money columns (this column is `text`)",
        id="block-text-total",
    ),
    pytest.param(
        {**SHOWN, "columns": [{"id": "n", "label": "N", "kind": "number", "currency": "CNY"}]},
        "blocks[0].columns[0].currency",
        "is only for money columns",
        id="block-currency",
    ),
    pytest.param(
        {**SHOWN, "columns": [{"id": "a", "label": "A"}, {"id": "a", "label": "B"}], "rows": []},
        "blocks[0].columns[1].id",
        "column ids must be unique",
        id="block-dup-id",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("block", "path", "message"), BAD)
def test_a_bad_table_is_refused_at_its_path(block: dict[str, Any], path: str, message: str) -> None:
    with pytest.raises(HubError) as refused:
        validate_card(card(block))
    assert refused.value.code is ErrorCode.card_invalid
    assert refused.value.details == {"path": path}
    assert message in refused.value.message


def _refused(values: dict[str, Any]) -> HubError:
    with pytest.raises(HubError) as caught:
        check_values(validate_card(card(LINES)), values)
    return caught.value


def test_the_bot_receives_cleaned_rows() -> None:
    stored = validate_card(card(LINES))
    sent = {"lines": [{"item": "Taxi", "amount": "35", "km": 3}, {}, {"item": "Bus", "day": ""}]}
    assert check_values(stored, sent) == {
        "lines": [{"item": "Taxi", "amount": "35.00", "km": 3}, {"item": "Bus"}]
    }


def test_a_bad_cell_is_named_by_its_row_from_0_and_column() -> None:
    error = _refused({"lines": [{"item": "Taxi"}, {"item": "Bus", "km": "3"}]})
    assert error.details == {"field": "lines[1].km"}
    assert error.message == "`lines[1].km`: must be a number."


def test_the_row_count_is_named_by_the_table() -> None:
    error = _refused({"lines": [{"item": str(n)} for n in range(4)]})
    assert error.details == {"field": "lines"}
    assert error.message == "`lines`: must have at most 3 rows (it has 4)."


def test_a_table_an_action_requires_needs_a_row() -> None:
    stored = validate_card(
        card(
            {**LINES, "min_rows": 0, "default": None},
            {
                "type": "actions",
                "actions": [{"id": "send", "label": "Send", "requires": ["lines"]}],
            },
        )
    )
    action = stored["blocks"][1]["actions"][0]
    with pytest.raises(HubError) as caught:
        check_values(stored, {"lines": [{"item": " "}]}, action)
    assert caught.value.details == {"field": "lines"}


def test_the_fallback_is_a_line_per_row_and_the_totals() -> None:
    assert fallback_text(card(SHOWN), "en") == (
        "Lines\n"
        "Item | Kind | Amount | Km\n"
        "Taxi | Taxi | USD 35.00 | 12.5\n"
        "Hotel | — | USD 120.00 | 0.1\n"
        "Tea | — | USD 0.10 | 0.2\n"
        "Total: Amount USD 155.10; Km 12.8"
    )
    stored = validate_card(card(SHOWN))
    assert stored["fallback"].splitlines()[0] == "明细"
    assert stored["fallback"].splitlines()[-1] == "合计: Amount USD 155.10; Km 12.8"
    assert "出租车" in stored["fallback"]


def test_a_table_input_is_left_out_of_the_fallback() -> None:
    assert fallback_text(card({"type": "markdown", "text": "Fill in"}, LINES)) == "Fill in"


def test_builders_make_the_same_dicts() -> None:
    table = b.TableInput(
        "lines",
        "Lines",
        columns=[
            b.TableColumn("item", {"zh-CN": "项目", "en": "Item"}, required=True),
            b.TableColumn("day", "Day", "date"),
            b.TableColumn("kind", "Kind", "select", options=[b.Option("taxi", COLUMNS[2]["options"][0]["label"])]),
            b.TableColumn("amount", "Amount", "money", max=1000, total=True),
            b.TableColumn("km", "Km", "number", min=0, total=True),
        ],
        min_rows=1,
        max_rows=3,
        default=[{"item": "Taxi", "kind": "taxi", "amount": "35.00"}],
    )  # fmt: skip
    assert validate_card(b.Card(blocks=[table]).to_dict()) == validate_card(card(LINES))
    shown = b.TableBlock.showing(table, [{"item": "Taxi", "amount": "35.00"}], title="Lines")
    assert shown.to_dict()["columns"][3] == {
        "id": "amount",
        "label": "Amount",
        "kind": "money",
        "total": True,
    }
    assert shown.to_dict()["columns"][2]["options"] == COLUMNS[2]["options"]
    doc = b.Card(blocks=[table, shown]).to_dict()
    assert doc["schema"] == 3 and doc["blocks"][1]["type"] == "table"


def test_a_builder_mistake_names_the_cell() -> None:
    with pytest.raises(b.CardError) as refused:
        b.TableInput(
            "lines",
            "Lines",
            columns=[b.TableColumn("amount", "Amount", "money")],
            default=[{"amount": "x"}],
        )
    assert refused.value.path == "default[0].amount"
    with pytest.raises(b.CardError, match=r"`columns\[0\].total`: is only for number and money"):
        b.TableBlock([b.TableBlockColumn("item", "Item", total=True)])


def test_the_json_schema_takes_tables_in_schema_3() -> None:
    validator = Draft202012Validator(card_json_schema())
    validator.validate(card(LINES, SHOWN))
    validator.validate(validate_card(card(LINES, SHOWN)))
    assert not validator.is_valid(card(_column(1, kind="colour")))
    assert not validator.is_valid(card(_column(0, total=True)))
    assert not validator.is_valid(card({**SHOWN, "rows": [{"item": True}]}))
    assert not validator.is_valid(card({**LINES, "max_rows": 201}))
