"""Card texts as maps of languages (schema 2): accepted where a reader reads, checked like
strings, and read in one language for the stored fallback."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator

from hub.cards import card_json_schema, fallback_text, validate_card
from hub.cards.text import resolve
from hub.errors import HubError


def both(zh: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh, "en": en}


EVERY_TEXT: dict[str, Any] = {
    "schema": 2,
    "header": {"title": both("报销", "Expense"), "subtitle": both("差旅", "Trip")},
    "status": {"label": both("待审批", "Pending"), "tone": "warning"},
    "blocks": [
        {"type": "markdown", "text": both("**说明**", "**Note**")},
        {
            "type": "fields",
            "fields": [{"label": both("金额", "Amount"), "value": both("十", "ten")}],
        },
        {"type": "context", "text": {"en": "From the expense bot"}},
        {
            "type": "input",
            "kind": "select",
            "name": "reason",
            "label": both("原因", "Reason"),
            "placeholder": both("请选择", "Choose"),
            "hint": both("必填", "Required"),
            "options": [{"value": "a", "label": both("出差", "Travel")}],
        },
        {
            "type": "actions",
            "actions": [
                {
                    "id": "approve",
                    "label": both("同意", "Approve"),
                    "confirm": {
                        "title": both("确定？", "Sure?"),
                        "text": both("同意后不能撤回。", "This cannot be undone."),
                        "ok": both("同意", "Approve"),
                        "cancel": both("取消", "Cancel"),
                    },
                }
            ],
        },
    ],
}


def test_every_reader_text_may_be_a_map_and_is_kept_as_given() -> None:
    card = validate_card(EVERY_TEXT)
    assert card["header"] == EVERY_TEXT["header"]
    assert card["blocks"][4]["actions"][0]["confirm"]["cancel"] == both("取消", "Cancel")
    assert card["blocks"][3]["options"][0]["label"] == both("出差", "Travel")
    Draft202012Validator(card_json_schema()).validate(EVERY_TEXT)


def test_the_stored_fallback_is_one_text_in_the_org_default() -> None:
    card = validate_card(EVERY_TEXT)
    assert card["fallback"].splitlines()[0] == "报销 [待审批]"
    assert "金额: 十" in card["fallback"] and "From the expense bot" in card["fallback"]
    assert validate_card(EVERY_TEXT, "en")["fallback"].startswith("Expense [Pending]\nTrip")
    given = validate_card({"schema": 2, "fallback": both("一票", "one vote")})
    assert given["fallback"] == "一票"
    assert fallback_text(EVERY_TEXT, "en").endswith("Actions: Approve")


def test_schema_1_cards_still_validate() -> None:
    assert validate_card({"schema": 1, "header": {"title": "T"}})["schema"] == 1


def test_resolve_falls_back_to_english_then_chinese_then_any() -> None:
    assert resolve(both("是", "yes"), "en-GB") == "yes"
    assert resolve(both("是", "yes"), "fr") == "yes"
    assert resolve({"zh-CN": "是"}, "en") == "是"
    assert resolve("plain", "en") == "plain"


@pytest.mark.parametrize(
    ("title", "path", "message"),
    [
        ({}, "header.title", "must have at least 1 item"),
        ({"fr": "Titre"}, "header.title.fr", "must be one of zh-CN, en"),
        ({"en": "x" * 201}, "header.title.en", "must be at most 200 characters"),
        ({"en": ""}, "header.title.en", "must not be empty"),
        ({"en": 5}, "header.title.en", "must be a string"),
        ("x" * 201, "header.title", "must be at most 200 characters"),
        (5, "header.title", 'must be a string or a map of languages like {"zh-CN"'),
    ],
)
def test_bad_text_maps_name_the_bad_language(title: object, path: str, message: str) -> None:
    doc = {"schema": 2, "header": {"title": title}}
    with pytest.raises(HubError) as caught:
        validate_card(doc)
    assert caught.value.details == {"path": path}
    assert message in caught.value.message
    assert not Draft202012Validator(card_json_schema()).is_valid(doc)
