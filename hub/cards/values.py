"""Checking the input values a person submits with a card action.

The client sends `{name: value}` for the card's input blocks; `check_values` refuses
anything the card did not ask for and returns the cleaned values the bot receives. The
same per-kind check (`check_input_value`) validates each input's `default` when a card is
validated, so a card can never pre-fill a value it would refuse. Whether a person or
department id exists is the caller's business: this module sees only the card.
The value format per kind is documented in docs/cards.md ("Input values"); a table's
cells are checked like the inputs of their columns' kinds, and an error names the cell
(`lines[1].amount`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeGuard

from hub.errors import ErrorCode, HubError

# Caps when the card sets no max_length: enough for any real answer, small enough that a
# card form cannot be used to store documents.
_DEFAULT_MAX_LENGTH = {"text": 1000, "textarea": 10000}
_MAX_PEOPLE = 500
_MAX_FILE_ID = 200
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONEY = re.compile(r"^[+-]?\d{1,15}(\.\d+)?$")
_CENT = Decimal("0.01")


class ValueProblem(ValueError):
    """One value does not fit its input; the message reads after "`name`: ".

    `at` is where in the value, for a table: `(1, "amount")` is row 1 (counted from 0),
    column `amount`, named in errors as `lines[1].amount`.
    """

    def __init__(self, message: str, at: tuple[int | str, ...] = ()) -> None:
        super().__init__(message)
        self.at = at


def input_blocks(card: dict[str, Any]) -> list[dict[str, Any]]:
    """The card's input blocks, in card order."""
    return [block for block in _blocks(card) if block.get("type") == "input"]


def check_values(
    card: dict[str, Any], values: object, action: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Validate values submitted with an action against the card's inputs; return them cleaned.

    Raises HubError(validation_failed) naming the first bad field in `details["field"]`.
    Unknown names are refused; missing optional inputs are left out of the result, unless
    the `action` taken lists them in its `requires`.
    """
    if not isinstance(values, dict):
        raise HubError(
            ErrorCode.validation_failed,
            "Input values must be a JSON object of input name to value.",
            details={"field": None},
        )
    inputs = {block["name"]: block for block in input_blocks(card)}
    for name in values:
        if name not in inputs:
            known = ", ".join(inputs) or "none"
            raise _invalid(str(name), f"this card has no such input (its inputs: {known}).")
    cleaned: dict[str, Any] = {}
    for name, block in inputs.items():
        raw = values.get(name)
        if is_empty(raw):
            if block.get("required"):
                raise _invalid(name, "is required.")
            continue
        try:
            value = check_input_value(block, raw)
        except ValueProblem as problem:
            raise _invalid(name + cell_path(problem.at), str(problem)) from None
        if value is False and block.get("required"):
            raise _invalid(name, "must be checked.")
        cleaned[name] = value
    for name in (action or {}).get("requires") or ():
        if name not in cleaned:
            raise _invalid(name, f"is required to {action_label(action)}.")
    return cleaned


def is_empty(raw: object) -> bool:
    """Whether a value counts as not given: null, a blank string, an empty list, or a
    table's list of rows that are all blank (every cell not given)."""
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    return isinstance(raw, list) and all(_is_blank_row(item) for item in raw)


def _is_blank_row(item: object) -> bool:
    return isinstance(item, dict) and all(is_empty(cell) for cell in item.values())


def cell_path(at: tuple[int | str, ...]) -> str:
    """`(1, "amount")` -> `[1].amount`: what follows an input's name in a field's path."""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in at)


def check_input_value(block: dict[str, Any], raw: object) -> Any:
    """The cleaned value of one given (non-empty) value for `block`; raises ValueProblem."""
    kind = block["kind"]
    if kind in ("text", "textarea"):
        return _text(block, raw)
    if kind == "number":
        return _number(block, raw)
    if kind == "money":
        return _money(block, raw)
    if kind == "date":
        return _date(raw).isoformat()
    if kind == "date_range":
        return _date_range(raw)
    if kind == "select":
        return _select(block, raw)
    if kind == "people":
        return _ids(raw, "person", multiple=bool(block.get("multiple")))
    if kind == "department":
        return _ids(raw, "department", multiple=False)
    if kind == "checkbox":
        if not isinstance(raw, bool):
            raise ValueProblem("must be true or false.")
        return raw
    if kind == "file":
        return _files(block, raw)
    if kind == "table":
        return _table(block, raw)
    raise ValueError(f"Unknown input kind {kind!r}: validate the card with validate_card first.")


def _text(block: dict[str, Any], raw: object) -> str:
    if not isinstance(raw, str):
        raise ValueProblem("must be a string.")
    limit = block.get("max_length") or _DEFAULT_MAX_LENGTH[block["kind"]]
    if len(raw) > limit:
        raise ValueProblem(f"must be at most {limit} characters (it has {len(raw)}).")
    return raw


def _number(block: dict[str, Any], raw: object) -> int | float:
    # bool is an int in Python but never a number in a form.
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        raise ValueProblem("must be a number.")
    _check_range(block, Decimal(str(raw)))
    return raw


def _money(block: dict[str, Any], raw: object) -> str:
    if not isinstance(raw, str) or not _MONEY.match(raw):
        raise ValueProblem('must be a decimal string like "1234.50".')
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise ValueProblem('must be a decimal string like "1234.50".') from None
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise ValueProblem(f'must have at most 2 decimals (got "{raw}").')
    _check_range(block, amount)
    # "0" and "-0" both become "0.00": a negative zero amount means nothing.
    return str(abs(amount).quantize(_CENT) if amount == 0 else amount.quantize(_CENT))


def is_decimal(text: str) -> bool:
    """Whether `text` is a plain decimal number like "35", "-1.5" or "1234.50"."""
    return bool(_MONEY.match(text))


def _check_range(block: dict[str, Any], value: Decimal) -> None:
    low, high = block.get("min"), block.get("max")
    if low is not None and value < Decimal(str(low)):
        raise ValueProblem(f"must be at least {low}.")
    if high is not None and value > Decimal(str(high)):
        raise ValueProblem(f"must be at most {high}.")


def _date(raw: object) -> date:
    if isinstance(raw, str) and _DATE.match(raw):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise ValueProblem("must be a real date written YYYY-MM-DD, like 2025-03-01.")


def _date_range(raw: object) -> dict[str, str]:
    if not isinstance(raw, dict) or set(raw) != {"start", "end"}:
        raise ValueProblem('must be an object {"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"}.')
    try:
        start = _date(raw["start"])
        end = _date(raw["end"])
    except ValueProblem as problem:
        raise ValueProblem(f"start and end {problem}") from None
    if start > end:
        raise ValueProblem(f"must not end ({end}) before it starts ({start}).")
    return {"start": start.isoformat(), "end": end.isoformat()}


def _select(block: dict[str, Any], raw: object) -> str | list[str]:
    options = [option["value"] for option in block["options"]]
    if not block.get("multiple"):
        if not isinstance(raw, str):
            raise ValueProblem("must be one option value (a string).")
        _check_option(raw, options)
        return raw
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise ValueProblem("must be a list of option values (strings).")
    for item in raw:
        _check_option(item, options)
    if len(set(raw)) != len(raw):
        raise ValueProblem("must not list the same option twice.")
    return list(raw)


def _check_option(value: str, options: list[str]) -> None:
    if value not in options:
        shown = ", ".join(options[:20]) + (", …" if len(options) > 20 else "")
        raise ValueProblem(f'"{value}" is not one of the options: {shown}.')


def _ids(raw: object, noun: str, *, multiple: bool) -> int | list[int]:
    if not multiple:
        if not _is_id(raw):
            raise ValueProblem(f"must be a {noun} id (a positive integer).")
        return raw
    if not isinstance(raw, list) or not all(_is_id(item) for item in raw):
        raise ValueProblem(f"must be a list of {noun} ids (positive integers).")
    if len(raw) > _MAX_PEOPLE:
        raise ValueProblem(f"must list at most {_MAX_PEOPLE} people.")
    if len(set(raw)) != len(raw):
        raise ValueProblem(f"must not list the same {noun} twice.")
    return list(raw)


def _is_id(raw: object) -> TypeGuard[int]:
    return isinstance(raw, int) and not isinstance(raw, bool) and raw >= 1


def _files(block: dict[str, Any], raw: object) -> list[str]:
    if not isinstance(raw, list) or not all(
        isinstance(item, str) and 0 < len(item) <= _MAX_FILE_ID for item in raw
    ):
        raise ValueProblem("must be a list of file ids (strings).")
    limit = block.get("max_files", 1)
    if len(raw) > limit:
        raise ValueProblem(f"must have at most {limit} file{'s' if limit > 1 else ''}.")
    if len(set(raw)) != len(raw):
        raise ValueProblem("must not list the same file twice.")
    return list(raw)


def _table(block: dict[str, Any], raw: object) -> list[dict[str, Any]]:
    """The rows, blank ones dropped, each cell checked like the input of its column's kind.

    Rows are counted from 0 in the order sent, blank ones included, so an error names the
    row the person sees (the web client drops blank rows before it sends)."""
    if not isinstance(raw, list) or not all(isinstance(row, dict) for row in raw):
        raise ValueProblem("must be a list of rows, each an object of column id to value.")
    columns = {column["id"]: column for column in block["columns"]}
    rows: list[dict[str, Any]] = []
    for index, row in enumerate(raw):
        for key in row:
            if key not in columns:
                raise ValueProblem(
                    f"this table has no such column (its columns: {', '.join(columns)}).",
                    at=(index, str(key)),
                )
        if _is_blank_row(row):
            continue
        cleaned: dict[str, Any] = {}
        for column_id, column in columns.items():
            cell = row.get(column_id)
            if is_empty(cell):
                if column.get("required"):
                    raise ValueProblem("is required.", at=(index, column_id))
                continue
            try:
                cleaned[column_id] = check_input_value(column, cell)
            except ValueProblem as problem:
                raise ValueProblem(str(problem), at=(index, column_id)) from None
        rows.append(cleaned)
    low, high = block.get("min_rows", 0), block.get("max_rows", 50)
    if len(rows) < low:
        raise ValueProblem(
            f"must have at least {low} row{'s' if low != 1 else ''} (it has {len(rows)})."
        )
    if len(rows) > high:
        raise ValueProblem(
            f"must have at most {high} row{'s' if high != 1 else ''} (it has {len(rows)})."
        )
    return rows


def _blocks(card: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for block in card.get("blocks") or ():
        if isinstance(block, dict):
            yield block


def _invalid(name: str, problem: str) -> HubError:
    return HubError(ErrorCode.validation_failed, f"`{name}`: {problem}", details={"field": name})


def action_label(action: dict[str, Any] | None) -> str:
    """The action's label in English, for an error about it."""
    label = (action or {}).get("label", "")
    text = label.get("en") or next(iter(label.values()), "") if isinstance(label, dict) else label
    return f"`{text}`" if text else "take this action"
