"""The card rules' shared cases (tests/cards/cases/*.json), run against the hub.

The web client runs the same files (tests/web/cards_shared_cases.test.js), so the browser's
checks cannot drift from the hub's. A case's answer is put in one form on both sides:
`{"ok": cleaned values}` or `{"error": {"field": ..., "key": ...}}`, where `key` is the web
client's i18n key for the problem; `_PROBLEM_KEYS` says which of the hub's messages each
key stands for.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from hub.cards import actions_for, may_take, validate_card
from hub.cards.values import check_values
from hub.errors import ErrorCode, HubError
from hub.files.attach import matches

CASES = Path(__file__).resolve().parent / "cases"
VALUES = json.loads((CASES / "values.json").read_text(encoding="utf-8"))
ACCESS = json.loads((CASES / "access.json").read_text(encoding="utf-8"))

# The hub's problem messages (after "`name`: ") and the client's key for each, in the order
# they are tried. The hub says "start and end must be a real date" for a half-filled range
# too, where the client asks for both days.
_PROBLEM_KEYS: list[tuple[str, frozenset[str]]] = [
    (r"is required\.", frozenset({"card.required"})),
    (r"must be checked\.", frozenset({"card.mustCheck"})),
    (r"must be at most \d+ characters \(it has \d+\)\.", frozenset({"card.tooLong"})),
    (r"must be a number\.", frozenset({"card.notNumber"})),
    (r'must be a decimal string like "1234\.50"\.', frozenset({"card.notMoney"})),
    (r'must have at most 2 decimals \(got ".*"\)\.', frozenset({"card.moneyDecimals"})),
    (r"must be at least \S+\.", frozenset({"card.atLeast"})),
    (r"must be at most \S+\.", frozenset({"card.atMost"})),
    (r"must be a real date .*", frozenset({"card.notDate"})),
    (r"start and end must be a real date .*", frozenset({"card.notDate", "card.rangeIncomplete"})),
    (r"must not end \(.*\) before it starts \(.*\)\.", frozenset({"card.rangeOrder"})),
    (r"must have at most \d+ files?\.", frozenset({"card.tooManyFiles"})),
    (r"must be one option value \(a string\)\.", frozenset({"card.notOption"})),
    (r"must be a list of option values \(strings\)\.", frozenset({"card.notOption"})),
    (r'".*" is not one of the options: .*', frozenset({"card.notOption"})),
    (r"must not list the same option twice\.", frozenset({"card.notOption"})),
    (r"this card has no such input .*", frozenset({"card.invalidValue"})),
    (r"must be a string\.", frozenset({"card.invalidValue"})),
    (r'must be an object \{"start".*', frozenset({"card.invalidValue"})),
    (
        r"must be a (person|department) id \(a positive integer\)\.",
        frozenset({"card.invalidValue"}),
    ),
    (r"must be a list of (person|file) ids .*", frozenset({"card.invalidValue"})),
    (r"must not list the same (person|file) twice\.", frozenset({"card.invalidValue"})),
    (r"must be true or false\.", frozenset({"card.invalidValue"})),
    (r"must have at least \d+ rows? \(it has \d+\)\.", frozenset({"card.tooFewRows"})),
    (r"must have at most \d+ rows? \(it has \d+\)\.", frozenset({"card.tooManyRows"})),
    (r"this table has no such column .*", frozenset({"card.invalidValue"})),
    (r"must be a list of rows, .*", frozenset({"card.invalidValue"})),
]


def _named(cases: list[dict[str, Any]]) -> list[Any]:
    names = [case["name"] for case in cases]
    assert len(set(names)) == len(names), "two shared cases have the same name"
    return [pytest.param(case, id=case["name"]) for case in cases]


def _input_card(names: list[str]) -> dict[str, Any]:
    blocks = [{"type": "input", "name": name, **VALUES["inputs"][name]} for name in names]
    return {"schema": 3, "blocks": blocks}  # 3 for the tables; the other kinds are as in 1


def _actions_card(ids: list[str]) -> dict[str, Any]:
    actions = [{"id": action_id, **ACCESS["actions"][action_id]} for action_id in ids]
    return {"schema": 1, "blocks": [{"type": "actions", "actions": actions}]}


def _client_keys(message: str, field: str) -> frozenset[str]:
    prefix = f"`{field}`: "
    assert message.startswith(prefix), message
    problem = message[len(prefix) :]
    for pattern, keys in _PROBLEM_KEYS:
        if re.fullmatch(pattern, problem):
            return keys
    raise AssertionError(
        f"the hub says {problem!r}, which no client key stands for: add it to _PROBLEM_KEYS"
        " (and a check to web/js/cards/values.js if the client lacks one)."
    )


@pytest.mark.parametrize("case", _named(VALUES["cases"]))
def test_values_case(case: dict[str, Any]) -> None:
    card = _input_card(case["inputs"])
    validate_card(card)  # the cases use only cards a bot could send
    expect = case["expect"]
    if "ok" in expect:
        assert check_values(card, case["values"]) == expect["ok"]
        return
    with pytest.raises(HubError) as caught:
        check_values(card, case["values"])
    error = caught.value
    assert error.code == ErrorCode.validation_failed
    assert error.details == {"field": expect["error"]["field"]}
    assert expect["error"]["key"] in _client_keys(error.message, expect["error"]["field"])


@pytest.mark.parametrize("case", _named(VALUES["file_types"]))
def test_file_type_case(case: dict[str, Any]) -> None:
    assert matches(case["type"], case["accept"]) is case["expect"]


@pytest.mark.parametrize("case", _named(ACCESS["cases"]))
def test_access_case(case: dict[str, Any]) -> None:
    card = _actions_card(case["actions"])
    validate_card(card)
    person = case["person"]
    assert actions_for(card, person["id"], person["roles"]) == case["expect"]
    for action in card["blocks"][0]["actions"]:
        allowed = may_take(action, person["id"], person["roles"])
        assert allowed is (action["id"] in case["expect"]), action["id"]
