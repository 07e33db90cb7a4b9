"""fallback_text: the plain-text form of a card for mail and notifications."""

from __future__ import annotations

from pathlib import Path

from hub.cards import fallback_text, validate_card
from hub.cards.fallback import strip_markdown
from tests.cards.test_validation import docs_cards

DOCS = Path(__file__).resolve().parents[2] / "docs" / "cards.md"


def test_every_part_of_the_card_reads_as_text() -> None:
    card = {
        "schema": 1,
        "header": {"title": "Expense #7", "subtitle": "Trip"},
        "status": {"label": "Pending", "tone": "warning"},
        "blocks": [
            {
                "type": "markdown",
                "text": "## Note\n**Bold** and __under__ `code` [site](https://a.cn)",
            },
            {"type": "fields", "fields": [{"label": "Amount", "value": "¥12.00"}]},
            {
                "type": "timeline",
                "steps": [
                    {"title": "Submit", "state": "done", "person_name": "李雷", "comment": "ok"},
                    {"title": "Manager", "state": "current", "person_name": "王芳"},
                    {"title": "Finance", "state": "pending"},
                    {"title": "Audit", "state": "rejected", "person_id": 3},
                    {"title": "CEO", "state": "skipped"},
                ],
            },
            {"type": "divider"},
            {"type": "input", "kind": "text", "name": "secret_input", "label": "Hidden label"},
            {"type": "image", "url": "/f/1.png", "alt": "Receipt"},
            {"type": "context", "text": "Expense bot"},
            {
                "type": "actions",
                "actions": [{"id": "a", "label": "Approve"}, {"id": "r", "label": "Reject"}],
            },
        ],
    }
    assert fallback_text(card) == (
        "Expense #7 [Pending]\nTrip\n\n"
        "Note\nBold and under code site (https://a.cn)\n\n"
        "Amount: ¥12.00\n\n"
        "✓ Submit — 李雷 (ok)\n→ Manager — 王芳\n· Finance\n✗ Audit\n↷ CEO\n\n"
        "[Receipt]\n\nExpense bot\n\nActions: Approve / Reject"
    )


def test_markdown_markup_is_removed() -> None:
    assert strip_markdown("# Title\n### Sub") == "Title\nSub"
    assert strip_markdown("see [docs](https://x.cn/d) or https://y.cn") == (
        "see docs (https://x.cn/d) or https://y.cn"
    )
    assert strip_markdown("[https://x.cn](https://x.cn)") == "https://x.cn"
    assert strip_markdown("![logo](/l.png) **a**") == "logo a"


def test_long_cards_are_cut_with_an_ellipsis() -> None:
    card = {"schema": 1, "blocks": [{"type": "markdown", "text": "字" * 5000}]}
    text = fallback_text(card)
    assert len(text) == 2000 and text.endswith("…")
    assert len(validate_card(card)["fallback"]) == 2000


def test_status_without_header_and_empty_card() -> None:
    assert fallback_text({"schema": 1, "status": {"label": "Done"}}) == "[Done]"
    assert fallback_text({"schema": 1}) == ""


def test_the_docs_show_the_real_fallback_of_the_example() -> None:
    fallback = validate_card(docs_cards()[0])["fallback"]
    assert f"```\n{fallback}\n```" in DOCS.read_text(encoding="utf-8")


def test_the_docs_show_the_real_fallback_of_the_tables_example() -> None:
    fallback = validate_card(docs_cards()[2])["fallback"]
    assert "\n合计: Amount CNY 2120.50\n" in fallback
    assert f"```\n{fallback}\n```" in DOCS.read_text(encoding="utf-8")
