"""check_values: submitted input values against the card's input blocks, per kind."""

from __future__ import annotations

from typing import Any

import pytest

from hub.cards import check_values, input_blocks, validate_card
from hub.errors import ErrorCode, HubError


def _input(kind: str, name: str, **extra: Any) -> dict[str, Any]:
    return {"type": "input", "kind": kind, "name": name, "label": name, **extra}


CARD = validate_card(
    {
        "schema": 1,
        "blocks": [
            {"type": "markdown", "text": "Fill in"},
            _input("text", "title", max_length=5),
            _input("textarea", "notes"),
            _input("number", "days", min=0.5, max=30),
            _input("money", "amount", min=0, max=10000),
            _input("date", "day"),
            _input("date_range", "period"),
            _input(
                "select",
                "kind",
                options=[{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
            ),
            _input("select", "tags", options=[{"value": "x", "label": "X"}], multiple=True),
            _input("people", "owner"),
            _input("people", "cc", multiple=True),
            _input("department", "dept"),
            _input("checkbox", "agree"),
            _input("file", "files", max_files=2),
            {"type": "actions", "actions": [{"id": "go", "label": "Go"}]},
        ],
    }
)


def _bad(values: object, card: dict[str, Any] = CARD) -> HubError:
    with pytest.raises(HubError) as caught:
        check_values(card, values)
    assert caught.value.code is ErrorCode.validation_failed
    return caught.value


def test_input_blocks_in_card_order() -> None:
    assert [block["name"] for block in input_blocks(CARD)][:3] == ["title", "notes", "days"]
    assert input_blocks({"schema": 1}) == []


GOOD = [
    ("title", "Hello", "Hello"),
    ("notes", "line\n" * 100, "line\n" * 100),
    ("days", 0.5, 0.5),
    ("days", 30, 30),
    ("amount", "1234.5", "1234.50"),
    ("amount", "0", "0.00"),
    ("amount", "10000.00", "10000.00"),
    ("day", "2024-02-29", "2024-02-29"),
    (
        "period",
        {"start": "2025-03-01", "end": "2025-03-01"},
        {"start": "2025-03-01", "end": "2025-03-01"},
    ),
    ("kind", "b", "b"),
    ("tags", ["x"], ["x"]),
    ("owner", 8, 8),
    ("cc", [8, 17], [8, 17]),
    ("dept", 3, 3),
    ("agree", True, True),
    ("agree", False, False),
    ("files", ["f_1", "f_2"], ["f_1", "f_2"]),
]


@pytest.mark.parametrize(("name", "value", "cleaned"), GOOD)
def test_good_values(name: str, value: object, cleaned: object) -> None:
    assert check_values(CARD, {name: value}) == {name: cleaned}


BAD = [
    ("title", "Too long", "at most 5 characters (it has 8)"),
    ("title", 5, "must be a string"),
    ("notes", "x" * 10001, "at most 10000 characters"),
    ("days", "3", "must be a number"),
    ("days", True, "must be a number"),
    ("days", 0.4, "must be at least 0.5"),
    ("days", 31, "must be at most 30"),
    ("amount", 12.5, 'must be a decimal string like "1234.50"'),
    ("amount", "12.345", "at most 2 decimals"),
    ("amount", "1,000", "decimal string"),
    ("amount", "1e3", "decimal string"),
    ("amount", "-1", "must be at least 0"),
    ("amount", "10000.01", "must be at most 10000"),
    ("day", "2025-02-30", "real date"),
    ("day", "2025/03/01", "YYYY-MM-DD"),
    ("day", 20250301, "real date"),
    ("period", {"start": "2025-03-05", "end": "2025-03-01"}, "must not end (2025-03-01) before"),
    ("period", {"start": "2025-03-05"}, '{"start": "YYYY-MM-DD"'),
    ("period", {"start": "2025-03-05", "end": "soon"}, "start and end must be a real date"),
    ("period", "2025-03-01", "must be an object"),
    ("kind", "c", '"c" is not one of the options: a, b.'),
    ("kind", ["a"], "must be one option value"),
    ("tags", "x", "must be a list of option values"),
    ("tags", ["x", "x"], "the same option twice"),
    ("tags", ["y"], "not one of the options: x"),
    ("owner", "8", "must be a person id"),
    ("owner", 0, "must be a person id"),
    ("owner", [8], "must be a person id"),
    ("cc", [8, True], "must be a list of person ids"),
    ("cc", [8, 8], "the same person twice"),
    ("dept", True, "must be a department id"),
    ("agree", "yes", "must be true or false"),
    ("files", "f_1", "must be a list of file ids"),
    ("files", ["a", "b", "c"], "at most 2 files"),
    ("files", [""], "must be a list of file ids"),
    ("files", ["a", "a"], "the same file twice"),
]


@pytest.mark.parametrize(("name", "value", "problem"), BAD)
def test_bad_values_name_the_field(name: str, value: object, problem: str) -> None:
    error = _bad({name: value})
    assert error.details == {"field": name}
    assert error.message.startswith(f"`{name}`: ")
    assert problem in error.message
    assert error.status == 400


def test_unknown_names_are_refused() -> None:
    error = _bad({"title": "ok", "titel": "typo"})
    assert error.details == {"field": "titel"}
    assert "this card has no such input (its inputs: title, notes" in error.message


def test_values_must_be_an_object() -> None:
    assert _bad(["title"]).details == {"field": None}


def test_missing_optional_values_are_left_out() -> None:
    assert check_values(CARD, {}) == {}
    values = {"title": "  ", "tags": [], "owner": None, "kind": "a"}
    assert check_values(CARD, values) == {"kind": "a"}


REQUIRED = validate_card(
    {
        "schema": 1,
        "blocks": [
            _input("text", "reason", required=True),
            _input(
                "select",
                "tags",
                options=[{"value": "x", "label": "X"}],
                multiple=True,
                required=True,
            ),
            _input("checkbox", "agree", required=True),
        ],
    }
)


@pytest.mark.parametrize(
    ("values", "field", "problem"),
    [
        ({"tags": ["x"], "agree": True}, "reason", "is required"),
        ({"reason": "", "tags": ["x"], "agree": True}, "reason", "is required"),
        ({"reason": "r", "tags": [], "agree": True}, "tags", "is required"),
        ({"reason": "r", "tags": ["x"]}, "agree", "is required"),
        ({"reason": "r", "tags": ["x"], "agree": False}, "agree", "must be checked"),
    ],
)
def test_required_inputs(values: dict[str, Any], field: str, problem: str) -> None:
    error = _bad(values, REQUIRED)
    assert error.details == {"field": field} and problem in error.message


def test_required_inputs_given() -> None:
    values = {"reason": "trip", "tags": ["x"], "agree": True}
    assert check_values(REQUIRED, values) == values


def test_default_text_limits_apply_without_max_length() -> None:
    card = validate_card({"schema": 1, "blocks": [_input("text", "t")]})
    assert check_values(card, {"t": "x" * 1000}) == {"t": "x" * 1000}
    assert "at most 1000 characters" in _bad({"t": "x" * 1001}, card).message
