"""The typed card builders (hub.botkit.cards): exactly the schema's dicts, checked as they
are built, and one builder for every part of the schema (so a new kind cannot be missed)."""

from __future__ import annotations

import dataclasses
import types
from datetime import UTC, datetime
from typing import Annotated, Any, Union, get_args, get_origin

import pytest
from pydantic import BaseModel

from hub.botkit import cards as b
from hub.cards import document, validate_card


def test_a_card_is_exactly_the_schema_dict() -> None:
    card = b.Card(
        header="Leave 请假",
        status=b.Status({"en": "Pending", "zh-CN": "待审批"}, "warning"),
        blocks=[
            b.Markdown("**Bob** asks for leave"),
            b.Fields([b.FieldItem("Days", "3"), b.FieldItem("Reason", "Flu", short=False)]),
            b.Timeline(
                [b.Step("Manager", "current", person_id=2, at=datetime(2025, 3, 1, tzinfo=UTC))]
            ),
            b.Divider(),
            b.DateRangeInput(
                "period", "Dates", required=True, default=b.DateRange("2025-03-10", "2025-03-12")
            ),
            b.SelectInput(
                "kind", "Type", options=[b.Option("sick", {"en": "Sick", "zh-CN": "病假"})]
            ),
            b.Actions(
                [b.Action("approve", "Approve", style="primary", allowed=b.Allowed(people=[2]))]
            ),
            b.ContextBlock("Leave bot"),
        ],
        awaiting=[2],
    )
    assert card.to_dict() == {
        "schema": 3,
        "header": {"title": "Leave 请假"},
        "status": {"label": {"en": "Pending", "zh-CN": "待审批"}, "tone": "warning"},
        "blocks": [
            {"type": "markdown", "text": "**Bob** asks for leave"},
            {"type": "fields", "fields": [{"label": "Days", "value": "3"}, {"label": "Reason", "value": "Flu", "short": False}]},
            {"type": "timeline", "steps": [{"title": "Manager", "state": "current", "person_id": 2, "at": "2025-03-01T00:00:00+00:00"}]},
            {"type": "divider"},
            {"type": "input", "kind": "date_range", "name": "period", "label": "Dates", "required": True, "default": {"start": "2025-03-10", "end": "2025-03-12"}},
            {"type": "input", "kind": "select", "name": "kind", "label": "Type", "options": [{"value": "sick", "label": {"en": "Sick", "zh-CN": "病假"}}]},
            {"type": "actions", "actions": [{"id": "approve", "label": "Approve", "style": "primary", "allowed": {"people": [2]}}]},
            {"type": "context", "text": "Leave bot"},
        ],
        "awaiting": [2],
    }  # fmt: skip
    validate_card(card.to_dict())  # and the hub takes it


@pytest.mark.parametrize(
    ("build", "message", "path"),
    [
        (
            lambda: b.Actions([b.Action("ok", "OK", style="big")]),  # type: ignore[arg-type]
            "The Actions block is not valid at `actions[0].style`: must be one of default, primary, danger.",
            "actions[0].style",
        ),
        (
            lambda: b.NumberInput("days", "Days", min=5, max=1),
            "The NumberInput block is not valid at `max`: must not be less than min (5).",
            "max",
        ),
        (
            lambda: b.Card(blocks=[b.TextInput("a", "A"), b.TextInput("a", "B")]),
            "The card is not valid at `blocks[1].name`: another input is already named `a`;"
            " input names must be unique within a card.",
            "blocks[1].name",
        ),
        (
            lambda: b.Card(header={"fr": "Bonjour"}),
            "The card is not valid at `header.title.fr`: must be one of zh-CN, en.",
            "header.title.fr",
        ),
    ],
)
def test_a_mistake_is_refused_where_it_is_made_naming_its_path(
    build: Any, message: str, path: str
) -> None:
    with pytest.raises(b.CardError) as refused:
        build()
    assert str(refused.value) == message
    assert refused.value.path == path


def test_a_card_changed_after_it_was_built_is_checked_again() -> None:
    card = b.Card(blocks=[b.Markdown("ok")])
    card.blocks.append(b.Markdown("ok"))
    card.status = b.Status("x" * 41)
    with pytest.raises(b.CardError, match=r"`status.label`: must be at most 40"):
        card.to_dict()


def _members(union: Any) -> list[Any]:
    if get_origin(union) is Annotated:
        union = get_args(union)[0]
    if get_origin(union) in (Union, types.UnionType):
        return [m for arg in get_args(union) for m in _members(arg)]
    return [union]


def _tag(model: type[BaseModel]) -> tuple[str, ...]:
    return tuple(
        get_args(model.model_fields[key].annotation)[0]
        for key in ("type", "kind")
        if key in model.model_fields
    )


def _builders(base: type) -> list[type]:
    found = []
    for sub in base.__subclasses__():
        found += [sub, *_builders(sub)]
    return found


def _keys(builder: type) -> set[str]:
    return {f.name for f in dataclasses.fields(builder)}


def _schema_keys(model: type[BaseModel]) -> set[str]:
    return {f.alias or name for name, f in model.model_fields.items()} - {"type", "kind"}


PARTS = {
    b.Header: document.Header,
    b.Status: document.Status,
    b.FieldItem: document.FieldItem,
    b.Step: document.TimelineStep,
    b.Confirm: document.Confirm,
    b.Allowed: document.Allowed,
    b.Action: document.Action,
    b.Option: document.SelectOption,
    b.DateRange: document.DateRange,
    b.TableBlockColumn: document.TableBlockColumn,
}


def test_every_kind_in_the_schema_has_a_builder_with_its_keys() -> None:
    by_tag = {
        tuple(getattr(cls, t) for t in ("type", "kind") if hasattr(cls, t)): cls
        for cls in _builders(b.Block)
        if hasattr(cls, "type") and (cls is not b.Input)
    }
    for model in _members(document.Block):
        builder = by_tag.get(_tag(model))
        assert builder is not None, f"no builder in hub/botkit/cards.py for {_tag(model)}"
        assert _keys(builder) == _schema_keys(model), builder.__name__
    for builder, model in PARTS.items():
        # A part's own `kind` (a table column's) is a field of its builder, not a tag.
        assert _keys(builder) - {"kind"} == _schema_keys(model), builder.__name__
    assert _keys(b.Card) | {"schema"} == _schema_keys(document.Card)
    # One column builder for the table input's column kinds: every key of any of them.
    columns = {key for model in _members(document.TableColumn) for key in _schema_keys(model)}
    assert _keys(b.TableColumn) - {"kind"} == columns
