"""The card document, schema 3, as pydantic models: the one place its shape is defined.

Every model forbids unknown keys (a typo is an error, not silently ignored) and is strict
(`"5"` is not a number, `1` is not `true`). Blocks are a tagged union on `type`; input
blocks are a second tagged union on `kind`. The JSON Schema in docs/card.schema.json is
generated from these models (hub.cards.json_schema); checks that JSON Schema cannot
express (unique ids, min <= max, defaults that fit their input) live in hub.cards.validation.
docs/cards.md is the reference for bot authors.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
)

CARD_SCHEMA_VERSION = 3
# Versions a card may still say: schema 2 is schema 3 without tables, schema 1 is schema 2
# without text maps (which the hub accepts in it all the same).
CARD_SCHEMA_VERSIONS = (1, 2, 3)
# The first version with the table input and the table block.
TABLE_SINCE = 3
# A table holds at most this many rows: enough for an expense claim's lines, small enough
# that a card stays a card and not a spreadsheet.
MAX_TABLE_ROWS = 200

IDENTIFIER_PATTERN = r"^[a-z][a-z0-9_]{0,49}$"
# A URL the client may load without leaking the viewer to plain HTTP, or a path on the hub
# itself. "//host" is refused: it is a URL to another host in disguise.
IMAGE_URL_PATTERN = r"^(https://[^\s/]+\S*|/[^/\s]\S*)$"
# An emoji or short symbol (no "/" or ":", so "http://..." cannot sneak in), or an https URL.
ICON_PATTERN = r"^(https://[^\s/]+\S*|[^\s/:]{1,16})$"
CURRENCY_PATTERN = r"^[A-Z]{3}$"
MIME_PATTERN = r"^[a-z0-9][a-z0-9.+-]*/([a-z0-9][a-z0-9.+-]*|\*)$"


def _number_out(value: float) -> int | float:
    # Strict float fields accept JSON integers; give them back as integers so a card
    # round-trips as written ("min": 0, not "min": 0.0).
    return int(value) if value.is_integer() else value


def _text_only(value: object) -> object:
    # The datetime field is lax (to parse ISO strings) but must not accept Unix timestamps.
    if not isinstance(value, str):
        raise ValueError(
            "must be an ISO-8601 date and time with a time zone, like 2025-03-01T09:30:00+08:00."
        )
    return value


Identifier = Annotated[str, StringConstraints(pattern=IDENTIFIER_PATTERN)]
Number = Annotated[float, PlainSerializer(_number_out)]
Timestamp = Annotated[AwareDatetime, BeforeValidator(_text_only), Field(strict=False)]
PositiveId = Annotated[int, Field(ge=1)]


# Strings are non-empty unless they are AnyText: an empty label or title is a bug.
Text10 = Annotated[str, StringConstraints(min_length=1, max_length=10)]
Text20 = Annotated[str, StringConstraints(min_length=1, max_length=20)]
Text30 = Annotated[str, StringConstraints(min_length=1, max_length=30)]
Text40 = Annotated[str, StringConstraints(min_length=1, max_length=40)]
Text50 = Annotated[str, StringConstraints(min_length=1, max_length=50)]
Text100 = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Text200 = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Text300 = Annotated[str, StringConstraints(min_length=1, max_length=300)]
Text500 = Annotated[str, StringConstraints(min_length=1, max_length=500)]
Text1000 = Annotated[str, StringConstraints(min_length=1, max_length=1000)]
Text2000 = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
Text5000 = Annotated[str, StringConstraints(min_length=1, max_length=5000)]
AnyText1000 = Annotated[str, StringConstraints(max_length=1000)]
AnyText2000 = Annotated[str, StringConstraints(max_length=2000)]
AnyText10000 = Annotated[str, StringConstraints(max_length=10000)]

# A text a reader reads may also be a map of languages (schema 2), each value under the
# same limit: {"zh-CN": "待审批", "en": "Pending"}. At least one language; no others.
Locale = Literal["zh-CN", "en"]
_LOCAL = Field(min_length=1, description='Per language: {"zh-CN": "…", "en": "…"}.')
LocalText30 = Text30 | Annotated[dict[Locale, Text30], _LOCAL]
LocalText40 = Text40 | Annotated[dict[Locale, Text40], _LOCAL]
LocalText50 = Text50 | Annotated[dict[Locale, Text50], _LOCAL]
LocalText100 = Text100 | Annotated[dict[Locale, Text100], _LOCAL]
LocalText200 = Text200 | Annotated[dict[Locale, Text200], _LOCAL]
LocalText300 = Text300 | Annotated[dict[Locale, Text300], _LOCAL]
LocalText500 = Text500 | Annotated[dict[Locale, Text500], _LOCAL]
LocalText1000 = Text1000 | Annotated[dict[Locale, Text1000], _LOCAL]
LocalText5000 = Text5000 | Annotated[dict[Locale, Text5000], _LOCAL]
LocalAnyText1000 = AnyText1000 | Annotated[dict[Locale, AnyText1000], _LOCAL]
LocalAnyText2000 = AnyText2000 | Annotated[dict[Locale, AnyText2000], _LOCAL]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


# Header and status


class Header(_Part):
    """The card's title line, shown above the blocks."""

    title: LocalText200 = Field(description="The card's title.")
    subtitle: LocalText300 | None = Field(default=None, description="A second, smaller line.")
    icon: Annotated[str, StringConstraints(max_length=2000, pattern=ICON_PATTERN)] | None = Field(
        default=None, description="An emoji (or short symbol) or an https:// image URL."
    )


class Status(_Part):
    """A coloured badge next to the title, e.g. Pending / 待审批."""

    label: LocalText40
    tone: Literal["neutral", "info", "success", "warning", "danger"] = "neutral"


# Display blocks


class MarkdownBlock(_Part):
    """Formatted text: bold, italics, code, links, lists."""

    type: Literal["markdown"]
    text: LocalText5000


class FieldItem(_Part):
    """One label/value pair."""

    model_config = ConfigDict(title="Field")

    label: LocalText100
    value: LocalAnyText1000
    short: bool = Field(default=True, description="Short fields sit two to a row.")


class FieldsBlock(_Part):
    """Label/value pairs, e.g. amount, applicant, cost centre."""

    type: Literal["fields"]
    fields: list[FieldItem] = Field(min_length=1, max_length=20)


class TimelineStep(_Part):
    """One step of a process, e.g. one approver's decision."""

    title: Text200
    state: Literal["done", "current", "pending", "rejected", "skipped"]
    person_id: PositiveId | None = None
    person_name: Text100 | None = Field(
        default=None, description="Shown as written; also used in the plain-text fallback."
    )
    at: Timestamp | None = Field(
        default=None, description="ISO-8601 date and time with a time zone."
    )
    comment: Text1000 | None = None


class TimelineBlock(_Part):
    """The steps of a process in order: who did what, who is next."""

    type: Literal["timeline"]
    steps: list[TimelineStep] = Field(min_length=1, max_length=30)


class DividerBlock(_Part):
    """A horizontal rule."""

    type: Literal["divider"]


class ContextBlock(_Part):
    """Small grey text, e.g. where the card came from."""

    type: Literal["context"]
    text: LocalText500


class ImageBlock(_Part):
    """A picture. `alt` is required: it is read aloud and used in the fallback."""

    type: Literal["image"]
    url: Annotated[str, StringConstraints(max_length=2000, pattern=IMAGE_URL_PATTERN)] = Field(
        description='An https:// URL or a path on the hub starting with "/".'
    )
    alt: Text300


# Input blocks: one model per kind, a tagged union on `kind`


class _Input(_Part):
    type: Literal["input"]
    # Declared here so it comes second in a stored card; each kind narrows it to a Literal.
    kind: str
    name: Identifier = Field(description="The key of this input's value; unique within the card.")
    label: LocalText100
    required: bool = False
    placeholder: LocalText100 | None = None
    hint: LocalText300 | None = Field(default=None, description="Help shown under the input.")


class TextInput(_Input):
    """One line of text."""

    kind: Literal["text"]
    max_length: Annotated[int, Field(ge=1, le=10000)] | None = Field(
        default=None, description="At most this many characters (1000 when absent)."
    )
    default: AnyText10000 | None = None


class TextareaInput(_Input):
    """Several lines of text."""

    kind: Literal["textarea"]
    max_length: Annotated[int, Field(ge=1, le=10000)] | None = Field(
        default=None, description="At most this many characters (10000 when absent)."
    )
    default: AnyText10000 | None = None


class NumberInput(_Input):
    """A number (JSON number)."""

    kind: Literal["number"]
    min: Number | None = None
    max: Number | None = None
    default: Number | None = None


class MoneyInput(_Input):
    """An amount of money; its value is a decimal string with at most 2 decimals."""

    kind: Literal["money"]
    min: Number | None = None
    max: Number | None = None
    currency: Annotated[str, StringConstraints(pattern=CURRENCY_PATTERN)] = Field(
        default="CNY", description="ISO 4217 code."
    )
    default: Text20 | None = Field(default=None, description='A decimal string like "1234.50".')


class DateInput(_Input):
    """A calendar date; its value is "YYYY-MM-DD"."""

    kind: Literal["date"]
    default: Text10 | None = None


class DateRange(_Part):
    """A start and an end date, both included."""

    start: Text10
    end: Text10


class DateRangeInput(_Input):
    """A range of dates; its value is {"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"}."""

    kind: Literal["date_range"]
    default: DateRange | None = None


class SelectOption(_Part):
    """One choice of a select input."""

    value: Text100
    label: LocalText100


def _one_or_more(item: dict[str, Any]) -> WithJsonSchema:
    # The default of a select or people input is one value or, if `multiple`, a list.
    return WithJsonSchema({"anyOf": [item, {"type": "array", "items": item}, {"type": "null"}]})


_OneOrMoreStrings = _one_or_more({"type": "string"})
_OneOrMoreIds = _one_or_more({"type": "integer", "minimum": 1})


class SelectInput(_Input):
    """A choice among options; its value is an option's value (a list of them if `multiple`)."""

    kind: Literal["select"]
    options: list[SelectOption] = Field(min_length=1, max_length=100)
    multiple: bool = False
    default: Annotated[JsonValue, _OneOrMoreStrings] = Field(
        default=None, description="An option value, or a list of them if `multiple`."
    )


class PeopleInput(_Input):
    """A person picker; its value is a person id (a list of them if `multiple`)."""

    kind: Literal["people"]
    multiple: bool = False
    default: Annotated[JsonValue, _OneOrMoreIds] = Field(
        default=None, description="A person id, or a list of them if `multiple`."
    )


class DepartmentInput(_Input):
    """A department picker; its value is a department id."""

    kind: Literal["department"]
    default: PositiveId | None = Field(default=None, description="A department id.")


class CheckboxInput(_Input):
    """A tick box; its value is true or false. A required checkbox must be ticked."""

    kind: Literal["checkbox"]
    default: bool | None = None


class FileInput(_Input):
    """Uploaded files; the value is a list of file ids."""

    kind: Literal["file"]
    accept: list[Annotated[str, StringConstraints(pattern=MIME_PATTERN)]] | None = Field(
        default=None, max_length=20, description="MIME types such as application/pdf or image/*."
    )
    max_files: Annotated[int, Field(ge=1, le=20)] = 1


# Tables (schema 3): rows of typed columns. One model per column kind, a tagged union on
# `kind`; each column's cell is checked like the standalone input of that kind.


class _Column(_Part):
    id: Identifier = Field(
        description="The key of this column's cell in a row; unique in the table."
    )
    label: LocalText100
    # Declared here so it comes third in a stored card; each kind narrows it to a Literal.
    kind: str
    required: bool = Field(default=False, description="Every row must fill this cell in.")


class TextColumn(_Column):
    """A column of one-line texts (at most 1000 characters each)."""

    kind: Literal["text"]


class NumberColumn(_Column):
    """A column of numbers (JSON numbers), optionally totalled."""

    kind: Literal["number"]
    min: Number | None = None
    max: Number | None = None
    total: bool = Field(default=False, description="Show the column's total under it.")


class MoneyColumn(_Column):
    """A column of amounts (decimal strings, at most 2 decimals), optionally totalled."""

    kind: Literal["money"]
    min: Number | None = None
    max: Number | None = None
    currency: Annotated[str, StringConstraints(pattern=CURRENCY_PATTERN)] = Field(
        default="CNY", description="ISO 4217 code."
    )
    total: bool = Field(default=False, description="Show the column's total under it.")


class DateColumn(_Column):
    """A column of calendar dates ("YYYY-MM-DD")."""

    kind: Literal["date"]


class SelectColumn(_Column):
    """A column whose cells are one of the options' values."""

    kind: Literal["select"]
    options: list[SelectOption] = Field(min_length=1, max_length=100)


TableColumn = Annotated[
    TextColumn | NumberColumn | MoneyColumn | DateColumn | SelectColumn,
    Field(discriminator="kind"),
]
TableRows = Annotated[int, Field(ge=0, le=MAX_TABLE_ROWS)]


class TableInput(_Input):
    """Rows of typed cells (schema 3); its value is a list of rows {column id: value}."""

    kind: Literal["table"]
    columns: list[TableColumn] = Field(min_length=1, max_length=20)
    min_rows: TableRows = Field(
        default=0, description="Rows a filled-in table has at least (blank rows do not count)."
    )
    max_rows: Annotated[int, Field(ge=1, le=MAX_TABLE_ROWS)] = Field(
        default=50, description=f"Rows the table has at most (at most {MAX_TABLE_ROWS})."
    )
    default: list[dict[str, JsonValue]] | None = Field(
        default=None,
        max_length=MAX_TABLE_ROWS,
        description="Rows to start with: {column id: value}, values as the table sends them.",
    )


InputBlock = Annotated[
    TextInput
    | TextareaInput
    | NumberInput
    | MoneyInput
    | DateInput
    | DateRangeInput
    | SelectInput
    | PeopleInput
    | DepartmentInput
    | CheckboxInput
    | FileInput
    | TableInput,
    Field(discriminator="kind"),
]


# The table block: a read-only table with the same column kinds as the table input.

ColumnKind = Literal["text", "number", "money", "date", "select"]
# A cell is a string (at most 1000 characters) or a number; hub.cards.validation checks it
# (and that each key is a column), so its errors name the cell rather than a union member.
Cell = Annotated[
    JsonValue,
    WithJsonSchema({"anyOf": [{"type": "string", "maxLength": 1000}, {"type": "number"}]}),
]


class TableBlockColumn(_Part):
    """One column of a table block."""

    model_config = ConfigDict(title="TableBlockColumn")

    id: Identifier = Field(
        description="The key of this column's cell in a row; unique in the table."
    )
    label: LocalText100
    kind: ColumnKind = Field(default="text", description="How the cells are shown and totalled.")
    currency: Annotated[str, StringConstraints(pattern=CURRENCY_PATTERN)] | None = Field(
        default=None, description="Money columns only: ISO 4217 code (CNY when absent)."
    )
    total: bool = Field(default=False, description="Number and money columns: show the total.")
    options: list[SelectOption] | None = Field(
        default=None,
        max_length=100,
        description="Select columns only: the options, so a cell shows its value's label.",
    )


class TableBlock(_Part):
    """A read-only table (schema 3), e.g. the lines of an expense claim, with totals."""

    type: Literal["table"]
    title: LocalText200 | None = None
    columns: list[TableBlockColumn] = Field(min_length=1, max_length=20)
    rows: list[dict[str, Cell]] = Field(
        default_factory=list,
        max_length=MAX_TABLE_ROWS,
        description="{column id: value}: a string, or a number (money as a decimal string).",
    )


# Actions


class Confirm(_Part):
    """A question asked before the action is sent."""

    title: LocalText100
    text: LocalText1000
    ok: LocalText30 | None = Field(default=None, description="The confirm button's label.")
    cancel: LocalText30 | None = Field(default=None, description="The cancel button's label.")


class Allowed(_Part):
    """Who may take the action: these people, and anyone with one of these roles."""

    people: list[PositiveId] = Field(default_factory=list, max_length=500)
    roles: list[Text50] = Field(default_factory=list, max_length=50)


class Action(_Part):
    """A button."""

    id: Identifier = Field(description="Sent back with the action; unique within the card.")
    label: LocalText50
    style: Literal["default", "primary", "danger"] = "default"
    confirm: Confirm | None = None
    allowed: Allowed | None = Field(
        default=None, description="Absent: anyone who can see the card may take the action."
    )
    value: AnyText1000 | None = Field(
        default=None, description="Sent back to the bot with the action."
    )
    requires: list[Identifier] | None = Field(
        default=None,
        max_length=50,
        description="Inputs of the card that must be filled in for this action (a reason to reject).",
    )


class ActionsBlock(_Part):
    """A row of buttons."""

    type: Literal["actions"]
    actions: list[Action] = Field(min_length=1, max_length=10)


Block = Annotated[
    MarkdownBlock
    | FieldsBlock
    | TimelineBlock
    | DividerBlock
    | ContextBlock
    | ImageBlock
    | TableBlock
    | InputBlock
    | ActionsBlock,
    Field(discriminator="type"),
]


class Card(_Part):
    """An interactive card posted in a message (hub card schema 3; see docs/cards.md)."""

    model_config = ConfigDict(title="Card")

    version: Literal[1, 2, 3] = Field(
        alias="schema",
        description="The card schema version; this hub understands 3 (and 2, without tables,"
        " and 1, without text maps).",
    )
    fallback: LocalAnyText2000 | None = Field(
        default=None,
        description="Plain text for mail and notifications; filled from the content when absent"
        " or empty.",
    )
    header: Header | None = None
    status: Status | None = None
    blocks: list[Block] = Field(default_factory=list, max_length=50)
    awaiting: list[Annotated[int, Field(gt=0)]] = Field(
        default_factory=list,
        max_length=200,
        description="The people (person ids) this card is waiting for: it is in each one's"
        " inbox (GET /api/v1/me/inbox) until a new version of the card leaves them out.",
    )
