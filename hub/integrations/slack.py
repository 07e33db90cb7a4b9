"""Slack's incoming-webhook payload, read into a hub message: text in our Markdown and a card.

Tools that post to Slack post here unchanged. `text` and `mrkdwn` become the message
text; Block Kit `blocks` and legacy `attachments` become card blocks where one fits
(the table in docs/integrations.md), and what has no counterpart (buttons that call a
Slack app, inputs, files) is left out. `username`, `icon_emoji` and `channel` are ignored:
an incoming webhook always posts as its own bot into its own channel.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from hub.errors import ErrorCode, HubError

SLACK_KEYS = frozenset(
    {
        "blocks",
        "attachments",
        "mrkdwn",
        "username",
        "icon_emoji",
        "icon_url",
        "channel",
        "thread_ts",
        "unfurl_links",
        "unfurl_media",
        "link_names",
        "parse",
        "response_type",
        "replace_original",
        "delete_original",
        "reply_broadcast",
        "metadata",
    }
)
MARKDOWN_MAX = 5000
CONTEXT_MAX = 500
FIELDS_PER_BLOCK = 20
BLOCKS_MAX = 50

_CODE = re.compile(r"(```.*?```|`[^`\n]*`)", re.DOTALL)
_ANGLE = re.compile(r"<([^<>\n]+)>")
_BOLD = re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")
_STRIKE = re.compile(r"(?<![\w~])~(?!\s)([^~\n]+?)(?<!\s)~(?![\w~])")
_FIELD = re.compile(r"^\s*\*([^*\n]+?)\*\s*:?\s*(?:\n|:)?\s*(.*)$", re.DOTALL)


@dataclass
class SlackMessage:
    text: str
    card: dict[str, Any] | None


def slack_to_markdown(text: str) -> str:
    """Slack mrkdwn to our Markdown: *bold*, ~strike~, <url|label>, <!here>, &lt; escapes.

    Code spans and blocks are left exactly as they are.
    """
    parts = _CODE.split(text)
    for i in range(0, len(parts), 2):
        part = _ANGLE.sub(_angle, parts[i])
        part = _BOLD.sub(r"**\1**", part)
        part = _STRIKE.sub(r"~~\1~~", part)
        parts[i] = html.unescape(part) if "&" in part else part
    return "".join(parts)


def _angle(match: re.Match[str]) -> str:
    inner = match.group(1)
    target, _, label = inner.partition("|")
    if target.startswith("!"):
        command = target[1:].split("^")[0]
        if command in ("here", "channel", "everyone"):
            return "@" + command
        return label or ""  # <!subteam^ID|@team>, <!date^...|fallback>
    if target.startswith("@"):
        return "@" + (label or target[1:])
    if target.startswith("#"):
        return "#" + (label or target[1:])
    if label:
        return f"[{label}]({target})"
    return target


def from_slack(payload: dict[str, Any]) -> SlackMessage:
    """The message a Slack payload describes; a card when it has blocks or attachments."""
    mrkdwn = payload.get("mrkdwn", True) is not False
    raw = payload.get("text")
    if raw is not None and not isinstance(raw, str):
        raise HubError(ErrorCode.validation_failed, "`text` must be a string.")
    text = (slack_to_markdown(raw) if mrkdwn else raw) if raw else ""
    blocks = _list_of(payload, "blocks")
    attachments = _list_of(payload, "attachments")

    mapped = _Mapped()
    mapped.add_blocks(blocks)
    lines: list[str] = []
    for index, attachment in enumerate(attachments):
        if not isinstance(attachment, dict):
            raise HubError(
                ErrorCode.validation_failed, f"`attachments[{index}]` must be an object."
            )
        if index and mapped.blocks:
            mapped.blocks.append({"type": "divider"})
        lines += mapped.add_attachment(attachment)

    if not text.strip():
        text = "\n".join(line for line in lines if line.strip())
    if not text.strip() and not mapped.blocks and mapped.header is None:
        raise HubError(
            ErrorCode.validation_failed,
            "no text: give `text`, `blocks` or `attachments` (nothing was posted).",
        )
    if not mapped.blocks and mapped.header is None:
        return SlackMessage(text, None)

    from hub.cards import validate_card

    doc: dict[str, Any] = {"schema": 1, "blocks": mapped.blocks[:BLOCKS_MAX]}
    if mapped.header is not None:
        doc["header"] = {"title": mapped.header}
    if text.strip():
        doc["fallback"] = text
    card = validate_card(doc)
    return SlackMessage(text if text.strip() else str(card["fallback"]), card)


def _list_of(payload: dict[str, Any], key: str) -> list[Any]:
    value = payload.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise HubError(ErrorCode.validation_failed, f"`{key}` must be a list.")
    return value


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text_of(obj: Any) -> str:
    """A Slack text object ({"type": "mrkdwn" | "plain_text", "text"}) or a bare string."""
    if isinstance(obj, str):
        return slack_to_markdown(obj)
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        return ""
    text: str = obj["text"]
    return slack_to_markdown(text) if obj.get("type") == "mrkdwn" else text


def _image_url(url: Any) -> str | None:
    return (
        url
        if isinstance(url, str) and (url.startswith("https://") or url.startswith("/"))
        else None
    )


class _Mapped:
    def __init__(self) -> None:
        self.blocks: list[dict[str, Any]] = []
        self.header: str | None = None

    def markdown(self, text: str) -> None:
        if text.strip():
            self.blocks.append({"type": "markdown", "text": _clip(text, MARKDOWN_MAX)})

    def context(self, text: str) -> None:
        if text.strip():
            self.blocks.append({"type": "context", "text": _clip(text, CONTEXT_MAX)})

    def image(self, url: Any, alt: Any) -> None:
        alt_text = alt if isinstance(alt, str) and alt.strip() else "image"
        if _image_url(url):
            self.blocks.append({"type": "image", "url": url, "alt": alt_text})
        elif isinstance(url, str) and url:
            self.markdown(f"[{alt_text}]({url})")

    def fields(self, pairs: list[tuple[str, str, bool]]) -> None:
        for start in range(0, len(pairs), FIELDS_PER_BLOCK):
            chunk = pairs[start : start + FIELDS_PER_BLOCK]
            self.blocks.append(
                {
                    "type": "fields",
                    "fields": [
                        {"label": label, "value": value, "short": short}
                        for label, value, short in chunk
                    ],
                }
            )

    def add_blocks(self, blocks: list[Any]) -> None:
        for index, block in enumerate(blocks):
            if not isinstance(block, dict):
                raise HubError(ErrorCode.validation_failed, f"`blocks[{index}]` must be an object.")
            kind = block.get("type")
            if kind == "section":
                self._section(block)
            elif kind == "header":
                title = _text_of(block.get("text"))
                if not self.blocks and self.header is None:
                    self.header = title
                else:
                    self.markdown(f"**{title}**")
            elif kind == "divider":
                self.blocks.append({"type": "divider"})
            elif kind == "context":
                elements = block.get("elements") or []
                self.context(
                    "  ".join(_text_of(e) for e in elements if isinstance(e, dict)).strip()
                )
            elif kind == "image":
                if isinstance(block.get("title"), dict):
                    self.context(_text_of(block["title"]))
                self.image(block.get("image_url"), block.get("alt_text"))
            elif kind == "actions":
                links = [
                    f"[{_text_of(e.get('text'))}]({e['url']})"
                    for e in block.get("elements") or []
                    if isinstance(e, dict) and isinstance(e.get("url"), str)
                ]
                self.markdown(" · ".join(links))
            elif kind == "rich_text":
                self.markdown(_rich_text(block))
            # input, file, video, call: no counterpart on a card; left out.

    def _section(self, block: dict[str, Any]) -> None:
        self.markdown(_text_of(block.get("text")))
        raw_fields = [f for f in block.get("fields") or [] if isinstance(f, dict)]
        if raw_fields:
            pairs = [_field_pair(f) for f in raw_fields]
            if all(pair is not None for pair in pairs):
                self.fields([pair for pair in pairs if pair is not None])
            else:
                self.markdown("\n".join(_text_of(f) for f in raw_fields))
        accessory = block.get("accessory")
        if isinstance(accessory, dict):
            if accessory.get("type") == "image":
                self.image(accessory.get("image_url"), accessory.get("alt_text"))
            elif isinstance(accessory.get("url"), str):
                self.markdown(f"[{_text_of(accessory.get('text'))}]({accessory['url']})")

    def add_attachment(self, attachment: dict[str, Any]) -> list[str]:
        """Map one legacy attachment; returns its lines of plain fallback text."""
        lines: list[str] = []

        def text(key: str) -> str:
            value = attachment.get(key)
            return slack_to_markdown(value) if isinstance(value, str) else ""

        if pretext := text("pretext"):
            self.markdown(pretext)
            lines.append(pretext)
        if author := text("author_name"):
            self.context(author)
        if title := text("title"):
            link = attachment.get("title_link")
            self.markdown(f"**[{title}]({link})**" if isinstance(link, str) else f"**{title}**")
            lines.append(title)
        if body := text("text"):
            self.markdown(body)
            lines.append(body)
        pairs: list[tuple[str, str, bool]] = []
        for field in attachment.get("fields") or []:
            if not isinstance(field, dict):
                continue
            label = str(field.get("title") or "").strip()
            value = slack_to_markdown(str(field.get("value") or "")).strip()
            if label and value:
                pairs.append((label, value, field.get("short") is not False))
                lines.append(f"{label}: {value}")
            elif label or value:
                self.markdown(label or value)
                lines.append(label or value)
        self.fields(pairs)
        nested = attachment.get("blocks")
        if isinstance(nested, list):
            self.add_blocks(nested)
        self.image(attachment.get("image_url"), attachment.get("fallback") or title)
        if footer := text("footer"):
            self.context(footer)
            lines.append(footer)
        if not lines and isinstance(attachment.get("fallback"), str):
            lines.append(attachment["fallback"])
        return lines


def _field_pair(field: dict[str, Any]) -> tuple[str, str, bool] | None:
    """A Slack section field written as "*Label*\\nvalue" (or "*Label:* value") as a card field."""
    raw = field.get("text")
    if field.get("type") != "mrkdwn" or not isinstance(raw, str):
        return None
    match = _FIELD.match(raw)
    if match is None:
        return None
    label = slack_to_markdown(match.group(1)).strip().rstrip(":").strip()
    value = slack_to_markdown(match.group(2)).strip()
    if not label or not value:
        return None
    return label, value, True


def _rich_text(block: dict[str, Any]) -> str:
    """Just the words of a rich_text block; its styling is not carried over."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("text", "emoji", "link") and isinstance(node.get("text"), str):
                out.append(node["text"])
            elif node.get("type") == "link" and isinstance(node.get("url"), str):
                out.append(node["url"])
            for child in node.get("elements") or []:
                walk(child)
            if node.get("type") in (
                "rich_text_section",
                "rich_text_preformatted",
                "rich_text_quote",
            ):
                out.append("\n")

    walk(block)
    return "".join(out).strip()
