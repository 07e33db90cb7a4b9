"""Who may take an action: find_action, may_take, actions_for."""

from __future__ import annotations

from typing import Any

import pytest

from hub.cards import actions_for, find_action, may_take, validate_card

CARD = validate_card(
    {
        "schema": 1,
        "blocks": [
            {"type": "actions", "actions": [{"id": "comment", "label": "Comment"}]},
            {"type": "markdown", "text": "between"},
            {
                "type": "actions",
                "actions": [
                    {
                        "id": "approve",
                        "label": "OK",
                        "allowed": {"people": [8], "roles": ["finance"]},
                    },
                    {"id": "escalate", "label": "Up", "allowed": {"roles": ["admin"]}},
                    {"id": "nobody", "label": "X", "allowed": {}},
                ],
            },
        ],
    }
)


def test_find_action() -> None:
    approve = find_action(CARD, "approve")
    assert approve is not None and approve["label"] == "OK"
    assert find_action(CARD, "missing") is None
    assert find_action({"schema": 1}, "approve") is None


@pytest.mark.parametrize(
    ("person_id", "roles", "expected"),
    [
        (8, [], ["comment", "approve"]),
        (9, ["finance"], ["comment", "approve"]),
        (9, ["member", "admin"], ["comment", "escalate"]),
        (8, ["admin", "finance"], ["comment", "approve", "escalate"]),
        (9, [], ["comment"]),
    ],
)
def test_actions_for_lists_what_the_person_may_take_in_card_order(
    person_id: int, roles: list[str], expected: list[str]
) -> None:
    assert actions_for(CARD, person_id, roles) == expected


def test_may_take() -> None:
    approve: dict[str, Any] = find_action(CARD, "approve") or {}
    assert may_take(approve, 8, ())
    assert may_take(approve, 1, ("finance",))
    assert not may_take(approve, 1, ("fin",))
    assert may_take({"id": "open", "label": "Open"}, 1, [])
    assert not may_take(
        {"id": "x", "label": "X", "allowed": {"people": [], "roles": []}}, 1, ["admin"]
    )


def test_a_single_role_string_is_a_programming_error() -> None:
    with pytest.raises(TypeError, match=r"pass \['finance'\]"):
        may_take({"id": "x", "label": "X", "allowed": {"roles": ["f"]}}, 1, "finance")
