"""What the hub accepts from outside, whatever the transport: ids its database can hold and
text it can store.

Every edge applies these once (the JSON body parser and query and path parameters in
`hub.http`, WebSocket frames in `hub.realtime.endpoint`, incoming webhook payloads, the
command line), so no route checks them itself. The rules, for both databases alike:

- Text never holds a NUL character (U+0000). PostgreSQL cannot store one in a text column;
  SQLite could, but then the same message would be kept on one database and refused on
  the other. It is refused with `validation_failed` naming the field, never stripped: the
  hub does not change what a person sent.
- An id is a positive integer. One too large for an id column (`DB_INT_MAX`) names nothing
  there can be, so it is answered as the route answers any unknown id: its not-found code.
  A negative or zero id, or one that is not an integer, is `validation_failed`.
- Other stored numbers (seqs, card versions, paging cursors) stay within `DB_INT_MAX`, else
  `validation_failed`; the OpenAPI document states that bound.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, ValidationError
from pydantic_core import PydanticCustomError

from hub.errors import ErrorCode, HubError

DB_INT_MAX = 2**31 - 1
"""The largest INTEGER on PostgreSQL, the type of every id, seq and version column. SQLite
holds up to 2**63 - 1; the hub keeps to the smaller, so both databases answer alike."""

NUL = "\x00"
_ID_OUT_OF_RANGE = "id_out_of_range"

# How a route answers an unknown id, by the name the id has in paths, bodies and frames.
_ID_CODES: dict[str, ErrorCode] = {
    "channel_id": ErrorCode.channel_not_found,
    "message_id": ErrorCode.message_not_found,
    "thread_root_id": ErrorCode.message_not_found,
    "person_id": ErrorCode.person_not_found,
}
_NOUNS: dict[ErrorCode, str] = {
    ErrorCode.channel_not_found: "channel",
    ErrorCode.message_not_found: "message",
    ErrorCode.person_not_found: "person",
}


def not_found_code(id_name: str) -> ErrorCode:
    """The code a route answers for an unknown id named `id_name` (`channel_id` and so on)."""
    return _ID_CODES.get(id_name, ErrorCode.not_found)


# White space as Python's `str.isspace()` and `\s` see it, spelled out so a pattern means
# the same in Python and in the document's JSON Schema (ECMA), whose `\s` differs.
SPACE = r"\t\n\x0b\x0c\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# "Not blank" as `str.strip()` decides it; for the document (the code checks with strip()).
NOT_BLANK = f"[^{SPACE}]"


def unknown_id(code: ErrorCode, value: int) -> HubError:
    """The not-found answer for an id; the same words as hub.errors' channel_not_found & co."""
    return HubError(code, f"No {_NOUNS.get(code, 'item')} {value} that you can see.")


def _known_range(code: ErrorCode) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        # Before validation too: JSON numbers beyond 64 bits arrive as floats, which pydantic
        # would refuse as malformed, though they are well-formed ids too large to exist.
        whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        if whole and not isinstance(value, bool) and value > DB_INT_MAX:
            raise PydanticCustomError(
                _ID_OUT_OF_RANGE,
                "{id} is too large to be an id",
                {"code": code.value, "id": int(value)},
            )
        return value

    return check


_CHANNEL = _known_range(ErrorCode.channel_not_found)
_MESSAGE = _known_range(ErrorCode.message_not_found)
_PERSON = _known_range(ErrorCode.person_not_found)
# `Field` first: so the document says `minimum: 1` (after a validator it would not show).
ChannelId = Annotated[int, Field(ge=1), BeforeValidator(_CHANNEL), AfterValidator(_CHANNEL)]
MessageId = Annotated[int, Field(ge=1), BeforeValidator(_MESSAGE), AfterValidator(_MESSAGE)]
PersonId = Annotated[int, Field(ge=1), BeforeValidator(_PERSON), AfterValidator(_PERSON)]
StoredInt = Annotated[int, Field(ge=0, le=DB_INT_MAX)]
"""A seq or a card version: a number the database stores, not an id."""


def input_error(error: ValidationError) -> HubError:
    """The one answer to input a model refused: not found when every problem is an id too
    large to exist, else `validation_failed` naming the first field at fault."""
    problems = error.errors()
    wrong = [problem for problem in problems if problem["type"] != _ID_OUT_OF_RANGE]
    if not wrong:
        context = problems[0].get("ctx") or {}
        return unknown_id(ErrorCode(context["code"]), context["id"])
    return HubError(ErrorCode.validation_failed, describe_validation_error(error))


def describe_validation_error(error: ValidationError) -> str:
    problems = error.errors()
    first = next((p for p in problems if p["type"] != _ID_OUT_OF_RANGE), problems[0])
    where = ".".join(str(part) for part in first["loc"]) or "body"
    return f"`{where}`: {first['msg']}."


def nul_refused(where: str) -> HubError:
    return HubError(
        ErrorCode.validation_failed,
        f"`{where}` contains a NUL character (\\u0000), which the hub does not store; remove it.",
        details={"field": where},
    )


def check_no_nul(text: str, where: str) -> str:
    if NUL in text:
        raise nul_refused(where)
    return text


def refuse_nul(data: Any) -> None:
    """Refuse parsed JSON (or form values) holding a NUL in any string or key, naming where.

    Walks without recursion: a deeply nested body must not exhaust the stack."""
    pending: list[tuple[str, Any]] = [("", data)]
    while pending:
        where, value = pending.pop()
        if isinstance(value, str):
            check_no_nul(value, where or "body")
        elif isinstance(value, dict):
            for key, item in value.items():
                shown = str(key).replace(NUL, "\\u0000")
                path = f"{where}.{shown}" if where else shown
                if isinstance(key, str):
                    check_no_nul(key, path)
                pending.append((path, item))
        elif isinstance(value, list):
            pending.extend(
                (f"{where}.{index}" if where else str(index), item)
                for index, item in enumerate(value)
            )


def _iso_moment(value: Any) -> Any:
    # JSON has no datetime: a moment comes as ISO 8601 text, which strict validation would
    # refuse as a string. Parsed here; anything else is left for the type to refuse.
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError(
                "iso_moment",
                "Give a time in ISO 8601 with its offset, e.g. 2026-12-07T09:00:00+08:00.",
            ) from None
    return value


Moment = Annotated[AwareDatetime, BeforeValidator(_iso_moment)]
"""A point in time with its UTC offset, from ISO 8601 text (a time without one is refused)."""
