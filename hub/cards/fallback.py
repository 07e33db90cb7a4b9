"""The plain-text form of a card, for mail, notifications and logs.

`validate_card` stores it as the card's `fallback` when the bot gave none, so every card
carries one. Markdown is stripped of its markup rather than rendered: the text must read
well in a phone's notification line and in a plain-text mail. Inputs are left out (they
can only be filled in the hub); a table block is a line per row and one of totals;
actions are listed by label so the reader knows there is something to do. Texts given in several languages are read in one (the org default
unless the caller names another). See docs/cards.md ("The fallback").
"""

from __future__ import annotations

import re
from typing import Any

from hub.cards.tables import table_text
from hub.cards.text import DEFAULT_LOCALE, resolve

FALLBACK_MAX_CHARS = 2000

_STEP_MARK = {"done": "✓", "current": "→", "pending": "·", "rejected": "✗", "skipped": "↷"}
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
_HEADING = re.compile(r"^#{1,6}\s+", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n{3,}")


def fallback_text(card: dict[str, Any], locale: str = DEFAULT_LOCALE) -> str:
    """Plain text built from the card's content (not from its `fallback`), at most 2,000 chars."""
    sections = [_title(card, locale)]
    sections += [_block(block, locale) for block in card.get("blocks") or ()]
    text = "\n\n".join(section for section in sections if section)
    text = _BLANK_LINES.sub("\n\n", text).strip()
    if len(text) > FALLBACK_MAX_CHARS:
        text = text[: FALLBACK_MAX_CHARS - 1].rstrip() + "…"
    return text


def strip_markdown(text: str) -> str:
    """Markdown without its markup: emphasis and code marks, headings, link syntax."""
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(lambda m: f"{m[1]} ({m[2]})" if m[1] and m[1] != m[2] else m[2], text)
    text = _HEADING.sub("", text)
    for mark in ("**", "__", "`"):
        text = text.replace(mark, "")
    return text.strip()


def _title(card: dict[str, Any], locale: str) -> str:
    header = card.get("header") or {}
    status = card.get("status") or {}
    first = resolve(header.get("title", ""), locale)
    if status.get("label"):
        first = f"{first} [{resolve(status['label'], locale)}]".strip()
    subtitle = resolve(header.get("subtitle", ""), locale)
    return "\n".join(line for line in (first, subtitle) if line)


def _block(block: dict[str, Any], locale: str) -> str:
    kind = block.get("type")
    if kind == "markdown":
        return strip_markdown(resolve(block["text"], locale))
    if kind == "context":
        return resolve(block["text"], locale)
    if kind == "fields":
        return "\n".join(
            f"{resolve(field['label'], locale)}: {resolve(field['value'], locale)}"
            for field in block["fields"]
        )
    if kind == "timeline":
        return "\n".join(_step(step) for step in block["steps"])
    if kind == "image":
        return f"[{block['alt']}]"
    if kind == "table":
        return table_text(block, locale)
    if kind == "actions":
        labels = [resolve(action["label"], locale) for action in block["actions"]]
        return "Actions: " + " / ".join(labels)
    return ""  # divider, input


def _step(step: dict[str, Any]) -> str:
    line = f"{_STEP_MARK.get(step['state'], '·')} {step['title']}"
    if step.get("person_name"):
        line += f" — {step['person_name']}"
    if step.get("comment"):
        line += f" ({step['comment']})"
    return line
