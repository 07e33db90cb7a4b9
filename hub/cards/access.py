"""Who may take which action on a card.

A card names who may press each button (`allowed`); the client shows a person only the
actions `actions_for` returns, and the hub checks `may_take` again when the action
arrives, before the bot sees it (the bot may then decide again with its own state).
No `allowed` means anyone who can see the card; an `allowed` that names nobody means no
one: it fails closed. See docs/cards.md ("Who may take an action").
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any


def find_action(card: dict[str, Any], action_id: str) -> dict[str, Any] | None:
    """The action with this id, or None if the card has none."""
    for action in card_actions(card):
        if action.get("id") == action_id:
            return action
    return None


def may_take(action: dict[str, Any], person_id: int, roles: Sequence[str]) -> bool:
    """Whether the person (with these roles) may take the action."""
    _check_roles(roles)
    allowed = action.get("allowed")
    if allowed is None:
        return True
    if person_id in (allowed.get("people") or ()):
        return True
    return any(role in roles for role in allowed.get("roles") or ())


def actions_for(card: dict[str, Any], person_id: int, roles: Sequence[str]) -> list[str]:
    """The ids of the actions the person may take, in card order."""
    _check_roles(roles)
    return [action["id"] for action in card_actions(card) if may_take(action, person_id, roles)]


def card_actions(card: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every action of the card, in card order."""
    for block in card.get("blocks") or ():
        if isinstance(block, dict) and block.get("type") == "actions":
            yield from block.get("actions") or ()


def _check_roles(roles: Sequence[str]) -> None:
    # A lone string is a Sequence[str] too, and "admin" would match the role "a".
    if isinstance(roles, str):
        raise TypeError(f"roles must be a list of role names, not one string: pass [{roles!r}].")
