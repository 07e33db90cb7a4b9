"""Typed builders for the card document: `Card(header=..., blocks=[...])` instead of dict literals.

Each class is a dataclass named for one part of the schema (docs/cards.md): its fields are
the part's keys, `None` means "left out", and the block `type` and input `kind` are class
attributes. One generic `to_dict` turns any of them into exactly the dict the schema
describes, so a new kind is a few lines:

    @dataclass(kw_only=True)
    class ColorInput(Input):
        kind = "color"
        default: str | None = None

Every block is checked by the hub's own validator (hub.cards.validate_card) when it is
built, and the whole card again when it is built and each time it is turned into a dict,
so a mistake raises `CardError` naming its path (`blocks[2].actions[0].style`) where it
was made, not when the hub refuses the post. See docs/cards.md ("Builders in Python").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar, Literal, Protocol

from hub.cards import CARD_SCHEMA_VERSION, validate_card
from hub.errors import HubError

LocalText = str | Mapping[str, str]
"""A text a reader reads: one string, or per language `{"zh-CN": "…", "en": "…"}`."""

Tone = Literal["neutral", "info", "success", "warning", "danger"]
Style = Literal["default", "primary", "danger"]
StepState = Literal["done", "current", "pending", "rejected", "skipped"]


class CardError(ValueError):
    """A card (or one of its parts) that does not fit the schema; `path` names where."""

    def __init__(self, message: str, path: str) -> None:
        super().__init__(message)
        self.path = path


class _Identified(Protocol):
    @property
    def id(self) -> int: ...


def _plain(value: object) -> Any:
    """A builder's value as JSON: parts as dicts, lists as lists, times as ISO text."""
    if isinstance(value, Part):
        return value.to_dict()
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [_plain(v) for v in value]
    return value


class Part:
    """What every builder shares: its `type`/`kind` tags, then its fields, `None` left out."""

    def to_dict(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            tag: getattr(self, tag)
            for tag in ("type", "kind")
            if getattr(self, tag, None) is not None
        }
        for each in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, each.name)
            if value is not None:
                doc[each.name] = _plain(value)
        return doc


def _check(doc: dict[str, Any], *, prefix: str, what: str) -> dict[str, Any]:
    """`doc` checked by the hub's validator; an error names the path below `prefix`."""
    try:
        validate_card(doc)
    except HubError as error:
        where = str((error.details or {}).get("path", ""))
        problem = error.message.split("`: ", 1)[-1] if where else error.message
        inner = where.removeprefix(prefix).lstrip(".")
        at = f" at `{inner}`" if inner else ""
        raise CardError(f"{what} is not valid{at}: {problem}", inner) from None
    return doc


# Header and status


@dataclass
class Header(Part):
    title: LocalText
    subtitle: LocalText | None = None
    icon: str | None = None  # an emoji or an https:// image URL


@dataclass
class Status(Part):
    label: LocalText
    tone: Tone | None = None  # neutral when left out


# Blocks: each checked alone when built


class Block(Part):
    """A block of a card. Subclasses set `type` (and inputs `kind`)."""

    type: ClassVar[str]

    def __post_init__(self) -> None:
        _check(
            {"schema": CARD_SCHEMA_VERSION, "blocks": [_alone(self.to_dict())]},
            prefix="blocks[0]",
            what=f"The {type(self).__name__} block",
        )


def _alone(block: dict[str, Any]) -> dict[str, Any]:
    """The block as checked on its own: an action's `requires` names inputs of other
    blocks, so it is checked with the whole card instead."""
    if block.get("type") != "actions":
        return block
    actions = [{k: v for k, v in a.items() if k != "requires"} for a in block["actions"]]
    return {**block, "actions": actions}


@dataclass
class Markdown(Block):
    type = "markdown"
    text: LocalText


@dataclass
class FieldItem(Part):
    """One label/value pair of a `Fields` block."""

    label: LocalText
    value: LocalText
    short: bool | None = None  # short fields sit two to a row (the default)


@dataclass
class Fields(Block):
    type = "fields"
    fields: list[FieldItem]


@dataclass
class Step(Part):
    """One step of a `Timeline`."""

    title: str
    state: StepState
    person_id: int | None = None
    person_name: str | None = None
    at: datetime | str | None = None  # with a time zone
    comment: str | None = None


@dataclass
class Timeline(Block):
    type = "timeline"
    steps: list[Step]


@dataclass
class Divider(Block):
    type = "divider"


@dataclass
class ContextBlock(Block):
    """Small grey text (the schema's `context` block)."""

    type = "context"
    text: LocalText


@dataclass
class Image(Block):
    type = "image"
    url: str
    alt: str


# Actions


@dataclass
class Confirm(Part):
    title: LocalText
    text: LocalText
    ok: LocalText | None = None
    cancel: LocalText | None = None


@dataclass
class Allowed(Part):
    people: list[int] | None = None
    roles: list[str] | None = None


@dataclass
class Action(Part):
    """A button; `allowed` says who may press it (absent: anyone who sees the card)."""

    id: str
    label: LocalText
    style: Style | None = None
    confirm: Confirm | None = None
    allowed: Allowed | None = None
    value: str | None = None
    requires: list[str] | None = None  # inputs that must be filled in for it


@dataclass
class Actions(Block):
    type = "actions"
    actions: list[Action]


# Inputs: `name` and `label` first, everything else by keyword


@dataclass
class Input(Block):
    type = "input"
    kind: ClassVar[str]
    name: str
    label: LocalText
    required: bool | None = field(default=None, kw_only=True)
    placeholder: LocalText | None = field(default=None, kw_only=True)
    hint: LocalText | None = field(default=None, kw_only=True)


@dataclass(kw_only=True)
class TextInput(Input):
    kind = "text"
    max_length: int | None = None
    default: str | None = None


@dataclass(kw_only=True)
class TextareaInput(Input):
    kind = "textarea"
    max_length: int | None = None
    default: str | None = None


@dataclass(kw_only=True)
class NumberInput(Input):
    kind = "number"
    min: float | None = None
    max: float | None = None
    default: float | None = None


@dataclass(kw_only=True)
class MoneyInput(Input):
    kind = "money"
    min: float | None = None
    max: float | None = None
    currency: str | None = None  # CNY when left out
    default: str | None = None  # a decimal string like "1234.50"


@dataclass(kw_only=True)
class DateInput(Input):
    kind = "date"
    default: date | str | None = None


@dataclass
class DateRange(Part):
    start: date | str
    end: date | str


@dataclass(kw_only=True)
class DateRangeInput(Input):
    kind = "date_range"
    default: DateRange | None = None


@dataclass
class Option(Part):
    """One choice of a `SelectInput`."""

    value: str
    label: LocalText


@dataclass(kw_only=True)
class SelectInput(Input):
    kind = "select"
    options: list[Option]
    multiple: bool | None = None
    default: str | list[str] | None = None


@dataclass(kw_only=True)
class PeopleInput(Input):
    kind = "people"
    multiple: bool | None = None
    default: int | list[int] | None = None


@dataclass(kw_only=True)
class DepartmentInput(Input):
    kind = "department"
    default: int | None = None


@dataclass(kw_only=True)
class CheckboxInput(Input):
    kind = "checkbox"
    default: bool | None = None


@dataclass(kw_only=True)
class FileInput(Input):
    kind = "file"
    accept: list[str] | None = None
    max_files: int | None = None


# Tables (card schema 3)

ColumnKind = Literal["text", "number", "money", "date", "select"]


@dataclass
class TableColumn(Part):
    """One column of a `TableInput`; `options` only for select, `currency` only for money,
    `min`, `max` and `total` only for number and money (the hub says so if misplaced)."""

    id: str
    label: LocalText
    kind: ColumnKind = "text"
    required: bool | None = None
    options: list[Option] | None = None
    currency: str | None = None  # CNY when left out
    min: float | None = None
    max: float | None = None
    total: bool | None = None  # show the column's total under it


@dataclass(kw_only=True)
class TableInput(Input):
    """Rows of typed cells; the bot receives a list of rows `{column id: value}`."""

    kind = "table"
    columns: list[TableColumn]
    min_rows: int | None = None  # 0 when left out
    max_rows: int | None = None  # 50 when left out, at most 200
    default: list[dict[str, Any]] | None = None


@dataclass
class TableBlockColumn(Part):
    """One column of a `TableBlock`."""

    id: str
    label: LocalText
    kind: ColumnKind | None = None  # text when left out
    currency: str | None = None
    total: bool | None = None
    options: list[Option] | None = None  # select: shows each value's label


@dataclass
class TableBlock(Block):
    """A read-only table, e.g. the lines someone submitted with a `TableInput`, with totals.

    `TableBlock.showing(table_input, rows)` takes the input's columns as they are."""

    type = "table"
    columns: list[TableBlockColumn]
    rows: list[dict[str, Any]] = field(default_factory=list)
    title: LocalText | None = None

    @classmethod
    def showing(
        cls, table: TableInput, rows: list[dict[str, Any]], title: LocalText | None = None
    ) -> TableBlock:
        columns = [
            TableBlockColumn(
                c.id,
                c.label,
                c.kind,
                currency=c.currency if c.kind == "money" else None,
                total=c.total,
                options=c.options,
            )
            for c in table.columns
        ]
        return cls(columns, rows, title=title)


# The card


@dataclass
class Card(Part):
    """A card document. `header` may be just a title; `awaiting` takes ids or PersonInfo.

    Checked whole when built and again by `to_dict()` (after any change you made to it),
    which returns exactly the schema's dict, for `ctx.post(card=...)` and the like.
    """

    header: Header | LocalText | None = None
    blocks: list[Block] = field(default_factory=list)
    status: Status | None = None
    awaiting: Sequence[int | _Identified] | None = None
    fallback: LocalText | None = None  # built by the hub from the content when left out

    def __post_init__(self) -> None:
        self.to_dict()

    def to_dict(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"schema": CARD_SCHEMA_VERSION}
        header = self.header
        if isinstance(header, str | Mapping):
            header = Header(header)
        if header is not None:
            doc["header"] = header.to_dict()
        if self.status is not None:
            doc["status"] = self.status.to_dict()
        doc["blocks"] = [block.to_dict() for block in self.blocks]
        if self.awaiting:
            doc["awaiting"] = [p if isinstance(p, int) else p.id for p in self.awaiting]
        if self.fallback is not None:
            doc["fallback"] = _plain(self.fallback)
        return _check(doc, prefix="", what=f"The {type(self).__name__.lower()}")


@dataclass
class Form(Card):
    """A card opened as a dialog (`ctx.open_form`): its inputs, with Cancel and Submit."""


CardLike = Card | Mapping[str, Any]
"""What the context's card arguments take: a builder or a card dict."""


def card_document(card: object) -> Any:
    """A builder as its dict; a dict (or anything else, for the validator to refuse) as is."""
    return card.to_dict() if isinstance(card, Card) else card
