"""Validating a card document: the one gate every card passes before it is stored or sent.

`validate_card` checks the shape with the models in hub.cards.document, then what a schema
cannot say (unique action ids and input names, unique option values, min <= max, defaults
that fit their input), and returns the normalised card. A bad card is refused with one
error naming the first bad element by a path like `blocks[2].actions[0].style`, so a bot
author can find it without reading pydantic's error list. See docs/cards.md ("Errors").
"""

from __future__ import annotations

import math
import types
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from hub.cards import document
from hub.cards.fallback import fallback_text
from hub.cards.text import DEFAULT_LOCALE, resolve
from hub.cards.values import ValueProblem, check_input_value, is_decimal, is_empty
from hub.errors import ErrorCode, HubError

Path = tuple[str | int, ...]

_SCHEMA_HINT = f"this hub understands card schema {document.CARD_SCHEMA_VERSION} (and 1 and 2)."
_ZONED = "like 2025-03-01T09:30:00+08:00"
_PATTERN_HINTS = {
    document.IDENTIFIER_PATTERN: "must be an identifier: a lowercase letter, then up to 49 "
    "lowercase letters, digits or underscores (like `approve` or `cost_centre`).",
    document.IMAGE_URL_PATTERN: 'must be an https:// URL or a path on the hub starting with "/".',
    document.ICON_PATTERN: "must be an emoji (or a short symbol) or an https:// URL.",
    document.CURRENCY_PATTERN: "must be a three-letter ISO 4217 code like CNY or USD.",
    document.MIME_PATTERN: "must be a MIME type like application/pdf or image/*.",
}
_TAG_NOUNS = {"type": "block type", "kind": "input kind"}
_TYPE_NAMES = {
    "string_type": "a string",
    "int_type": "an integer",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a JSON object",
    "model_type": "a JSON object",
    "model_attributes_type": "a JSON object",
}


def validate_card(doc: object, locale: str = DEFAULT_LOCALE) -> dict[str, Any]:
    """The normalised card (defaults and `fallback` filled in), or HubError(card_invalid)."""
    if not isinstance(doc, dict):
        raise _invalid((), f"must be a JSON object, not {_json_kind(doc)}.")
    # The version is checked first: under another version the rest of the document may mean
    # something else, and its other errors would mislead.
    if "schema" not in doc:
        raise _invalid(("schema",), f"is required; {_SCHEMA_HINT}")
    version = doc["schema"]
    if type(version) is not int or version not in document.CARD_SCHEMA_VERSIONS:
        raise _invalid(("schema",), f"must be {document.CARD_SCHEMA_VERSION}; {_SCHEMA_HINT}")
    _check_features(version, doc.get("blocks"))
    try:
        model = document.Card.model_validate(doc)
    except ValidationError as error:
        first = _first_error(error.errors(include_url=False))
        path, node = _clean_loc(first["loc"])
        raise _invalid(path, _problem(first, node)) from None
    card = model.model_dump(mode="json", by_alias=True, exclude_none=True)
    _check_blocks(card["blocks"])
    if not card.get("awaiting"):
        card.pop("awaiting", None)  # a card waiting for no one reads as before the field
    else:
        card["awaiting"] = list(dict.fromkeys(card["awaiting"]))  # each person once
    # The stored fallback is one text (it is the message's text): a map is read in the org
    # default, as is the fallback made from the content.
    fallback = resolve(card.pop("fallback", ""), locale)
    if not fallback.strip():
        fallback = fallback_text(card, locale)
    return {"schema": card.pop("schema"), "fallback": fallback, **card}


def format_path(path: Path) -> str:
    """`("blocks", 2, "style")` -> `blocks[2].style`; the empty path is the document."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else part
    return text


def _check_features(version: int, blocks: object) -> None:
    """Refuse what is newer than the card's version, before its shape: a table in a schema 2
    card is a card written for another hub, and its version is the thing to fix."""
    if version >= document.TABLE_SINCE or not isinstance(blocks, list):
        return
    for index, block in enumerate(blocks):
        if not isinstance(block, dict):
            continue
        key = "type" if block.get("type") == "table" else "kind"
        if key == "type" or (block.get("type") == "input" and block.get("kind") == "table"):
            raise _invalid(
                ("blocks", index, key),
                f"table needs card schema version {document.TABLE_SINCE} "
                f"(this card says {version}).",
            )


# What JSON Schema cannot say


def _check_blocks(blocks: list[dict[str, Any]]) -> None:
    action_ids: set[str] = set()
    input_names: set[str] = set()
    for index, block in enumerate(blocks):
        where: Path = ("blocks", index)
        if block["type"] == "actions":
            for number, action in enumerate(block["actions"]):
                if action["id"] in action_ids:
                    raise _invalid(
                        (*where, "actions", number, "id"),
                        f"another action already has the id `{action['id']}`; "
                        "action ids must be unique within a card.",
                    )
                action_ids.add(action["id"])
        elif block["type"] == "input":
            if block["name"] in input_names:
                raise _invalid(
                    (*where, "name"),
                    f"another input is already named `{block['name']}`; "
                    "input names must be unique within a card.",
                )
            input_names.add(block["name"])
            _check_input(where, block)
        elif block["type"] == "table":
            _check_table_block(where, block)
    # An action's `requires` may name an input further down, so checked once all are known.
    for index, block in enumerate(blocks):
        actions = block["actions"] if block["type"] == "actions" else []
        for number, action in enumerate(actions):
            for spot, name in enumerate(action.get("requires") or ()):
                if name not in input_names:
                    raise _invalid(
                        ("blocks", index, "actions", number, "requires", spot),
                        f"names no input of this card (its inputs: "
                        f"{', '.join(sorted(input_names)) or 'none'}).",
                    )


def _check_input(where: Path, block: dict[str, Any]) -> None:
    _check_options(where, block)
    _check_range(where, block)
    if block["kind"] == "table":
        _check_columns(where, block["columns"])
        for number, column in enumerate(block["columns"]):
            _check_range((*where, "columns", number), column)
        if block["max_rows"] < block["min_rows"]:
            raise _invalid(
                (*where, "max_rows"), f"must not be less than min_rows ({block['min_rows']})."
            )
    default = block.get("default")
    if not is_empty(default):
        try:
            check_input_value(block, default)
        except ValueProblem as problem:
            raise _invalid((*where, "default", *problem.at), str(problem)) from None


def _check_options(where: Path, part: dict[str, Any]) -> None:
    values = [option["value"] for option in part.get("options") or ()]
    for number, value in enumerate(values):
        if value in values[:number]:
            raise _invalid(
                (*where, "options", number, "value"),
                f'another option already has the value "{value}"; option values must be unique.',
            )


def _check_range(where: Path, part: dict[str, Any]) -> None:
    low, high = part.get("min"), part.get("max")
    if low is not None and high is not None and high < low:
        raise _invalid((*where, "max"), f"must not be less than min ({low}).")


def _check_columns(where: Path, columns: list[dict[str, Any]]) -> None:
    seen: set[str] = set()
    for number, column in enumerate(columns):
        if column["id"] in seen:
            raise _invalid(
                (*where, "columns", number, "id"),
                f"another column already has the id `{column['id']}`; "
                "column ids must be unique within a table.",
            )
        seen.add(column["id"])
        _check_options((*where, "columns", number), column)


# A table block's column keys that only some kinds have (the table input's column models
# say this by kind; a block's one column model cannot).
_BLOCK_COLUMN_KEYS = {
    "currency": ({"money"}, "money columns"),
    "total": ({"number", "money"}, "number and money columns"),
    "options": ({"select"}, "select columns"),
}


def _check_table_block(where: Path, block: dict[str, Any]) -> None:
    columns = block["columns"]
    _check_columns(where, columns)
    for number, column in enumerate(columns):
        for key, (only, which) in _BLOCK_COLUMN_KEYS.items():
            if column.get(key) not in (None, False) and column["kind"] not in only:
                raise _invalid(
                    (*where, "columns", number, key),
                    f"is only for {which} (this column is `{column['kind']}`).",
                )
    kinds: dict[str, str] = {column["id"]: column["kind"] for column in columns}
    for number, row in enumerate(block["rows"]):
        for key, cell in row.items():
            at = (*where, "rows", number, key)
            if key not in kinds:
                raise _invalid(
                    at, f"is not a column of this table (its columns: {', '.join(kinds)})."
                )
            if kinds[key] in ("number", "money"):
                if not _is_amount(cell):
                    raise _invalid(at, 'must be a number or a decimal string like "35.00".')
            elif not (isinstance(cell, str) and len(cell) <= 1000) and not _is_amount(cell):
                raise _invalid(at, "must be a string (at most 1000 characters) or a number.")


def _is_amount(cell: object) -> bool:
    if isinstance(cell, bool):
        return False
    if isinstance(cell, int | float):
        return math.isfinite(cell)
    return isinstance(cell, str) and is_decimal(cell)


# Pydantic's errors, in the card's terms

# pydantic names the member of a text union (a string, or a map of languages) in locations.
_STR_TAG = "constrained-str"
_MAP_TAG = "dict["
_LOCAL_HINT = 'must be a string or a map of languages like {"zh-CN": "…", "en": "…"}.'


def _is_member_tag(segment: str | int) -> bool:
    return segment == _STR_TAG or (isinstance(segment, str) and segment.startswith(_MAP_TAG))


def _first_error(errors: list[ErrorDetails]) -> ErrorDetails:
    """The first error, leaving out the text union's member that the value is not.

    For a map with a bad key, pydantic also says it is not a string; for a string too
    long, that it is not a map. Neither helps the author.
    """
    for error in errors:
        loc, kind, value = error["loc"], error["type"], error["input"]
        tag = loc[-1] if loc else None
        if tag == _STR_TAG and kind == "string_type":
            if isinstance(value, dict):
                continue
            return {**error, "type": "local_text_type", "msg": _LOCAL_HINT}
        if isinstance(tag, str) and tag.startswith(_MAP_TAG) and kind == "dict_type":
            if isinstance(value, str):
                continue
            return {**error, "type": "local_text_type", "msg": _LOCAL_HINT}
        return error
    return errors[0]


def _clean_loc(loc: tuple[str | int, ...]) -> tuple[Path, Any]:
    """Drop the union tags pydantic puts in locations; also return the type at the end.

    `("blocks", 2, "actions", "actions", 0, "style")` -> `("blocks", 2, "actions", 0, "style")`:
    after a list index into a tagged union, the next segment names the member (the block
    `type`, then the input `kind`), not a key. For an unknown key the type returned is
    the model that refused it.
    """
    path: list[str | int] = []
    node: Any = document.Card
    for segment in loc:
        if _is_member_tag(segment) or segment == "[key]":
            # A text union's member, or a map's key: not part of the card's path.
            node = document.Locale if segment == "[key]" else None
            continue
        node, discriminator = _unwrap(node)
        if discriminator is not None:
            node = _member(node, discriminator, segment)
            continue
        path.append(segment)
        if isinstance(node, type) and issubclass(node, BaseModel):
            node = _field_type(node, segment)
        elif get_origin(node) is list:
            node = get_args(node)[0]
        else:
            node = None
    return tuple(path), node


def _unwrap(node: Any) -> tuple[Any, str | None]:
    """Strip Annotated and Optional; return the type and its union discriminator if any."""
    discriminator = None
    while True:
        if get_origin(node) is Annotated:
            base, *extras = get_args(node)
            for extra in extras:
                if isinstance(extra, FieldInfo) and isinstance(extra.discriminator, str):
                    discriminator = extra.discriminator
            node = base
        elif get_origin(node) in (Union, types.UnionType):
            members = [arg for arg in get_args(node) if arg is not type(None)]
            if len(members) > 1:
                return node, discriminator
            node = members[0]
        else:
            return node, discriminator


def _members(union: Any) -> list[Any]:
    return [arg for arg in get_args(union) if arg is not type(None)]


def _tags(member: Any, discriminator: str) -> list[str]:
    member, _ = _unwrap(member)
    if isinstance(member, type) and issubclass(member, BaseModel):
        return list(get_args(member.model_fields[discriminator].annotation))
    # A nested tagged union: all its members share one tag on this discriminator.
    return _tags(_members(member)[0], discriminator)


def _member(union: Any, discriminator: str, tag: str | int) -> Any:
    for member in _members(union):
        if tag in _tags(member, discriminator):
            return member
    return None


def _field_type(model: type[BaseModel], key: str | int) -> Any:
    for name, field in model.model_fields.items():
        if key in (name, field.alias):
            return field.annotation
    return model  # an unknown key: keep the model, whose keys the message lists


def _problem(error: ErrorDetails, node: Any) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "missing":
        return "is required."
    if kind == "local_text_type":
        return _LOCAL_HINT
    if kind == "extra_forbidden":
        fields = node.model_fields if isinstance(node, type) and issubclass(node, BaseModel) else {}
        keys = [field.alias or name for name, field in fields.items()]
        return f"is not a known key here; allowed: {', '.join(keys)}."
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        union, discriminator = _unwrap(node)
        noun = _TAG_NOUNS.get(str(discriminator), str(discriminator))
        if union == _unwrap(document.TableColumn)[0]:
            noun = "column kind"
        allowed = ", ".join(tag for m in _members(union) for tag in _tags(m, str(discriminator)))
        if kind == "union_tag_not_found":
            return f"needs a `{discriminator}`, one of {allowed}."
        return f"unknown {noun} `{ctx.get('tag')}`; must be one of {allowed}."
    if kind == "literal_error":
        allowed = ", ".join(str(value) for value in get_args(_unwrap(node)[0]))
        return f"must be one of {allowed}."
    if kind in _TYPE_NAMES:
        return f"must be {_TYPE_NAMES[kind]}."
    if kind == "string_too_short":
        return "must not be empty." if ctx["min_length"] == 1 else _at_least(ctx, "character")
    if kind == "string_too_long":
        return f"must be at most {ctx['max_length']} characters."
    if kind == "too_short":
        return _at_least(ctx, "item")
    if kind == "too_long":
        return f"must have at most {ctx['max_length']} items (it has {ctx['actual_length']})."
    if kind == "greater_than_equal":
        return f"must be at least {ctx['ge']}."
    if kind == "less_than_equal":
        return f"must be at most {ctx['le']}."
    if kind == "string_pattern_mismatch":
        return _PATTERN_HINTS.get(ctx["pattern"], f"must match {ctx['pattern']}.")
    if kind == "timezone_aware":
        return f"must include a time zone, {_ZONED}."
    if kind.startswith("datetime_"):
        return f"must be an ISO-8601 date and time with a time zone, {_ZONED}."
    if kind == "value_error":
        return str(ctx["error"])
    message = error["msg"]
    return message[:1].lower() + message[1:] + "."


def _at_least(ctx: dict[str, Any], noun: str) -> str:
    count = ctx["min_length"]
    return f"must have at least {count} {noun}{'s' if count != 1 else ''}."


def _json_kind(value: object) -> str:
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number" if isinstance(value, int | float) else type(value).__name__


def _invalid(path: Path, problem: str) -> HubError:
    where = format_path(path)
    message = (
        f"The card is not valid at `{where}`: {problem}"
        if where
        else f"The card is not valid: it {problem}"
    )
    return HubError(ErrorCode.card_invalid, message, details={"path": where})
