"""An action's `requires`: inputs the card leaves optional that this one action needs."""

from __future__ import annotations

from typing import Any

import pytest

from hub.cards import check_values, validate_card
from hub.errors import ErrorCode, HubError


def review_card(requires: list[str]) -> dict[str, Any]:
    return {
        "schema": 2,
        "blocks": [
            {"type": "input", "kind": "textarea", "name": "comment", "label": "Comment"},
            {
                "type": "actions",
                "actions": [
                    {"id": "approve", "label": {"en": "Approve", "zh-CN": "同意"}},
                    {
                        "id": "reject",
                        "label": {"en": "Reject", "zh-CN": "驳回"},
                        "requires": requires,
                    },
                ],
            },
        ],
    }


def test_an_action_may_require_an_input_the_card_leaves_optional() -> None:
    card = validate_card(review_card(["comment"]))
    approve, reject = card["blocks"][1]["actions"]
    assert check_values(card, {}, approve) == {}  # approving needs no reason
    with pytest.raises(HubError) as refused:
        check_values(card, {"comment": "  "}, reject)  # blank is missing
    assert refused.value.code == ErrorCode.validation_failed
    assert refused.value.details == {"field": "comment"}
    assert "`Reject`" in refused.value.message
    assert check_values(card, {"comment": "年底太忙"}, reject) == {"comment": "年底太忙"}


def test_requires_must_name_an_input_of_the_card() -> None:
    with pytest.raises(HubError) as refused:
        validate_card(review_card(["reason"]))
    assert refused.value.details == {"path": "blocks[1].actions[1].requires[0]"}
    assert "its inputs: comment" in refused.value.message
