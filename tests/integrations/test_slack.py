"""Slack payloads read into hub messages: mrkdwn to Markdown, Block Kit and attachments to cards."""

from __future__ import annotations

import pytest

from hub.cards import validate_card
from hub.errors import HubError
from hub.integrations.slack import from_slack, slack_to_markdown


@pytest.mark.parametrize(
    ("slack", "markdown"),
    [
        ("*bold* and _italic_", "**bold** and _italic_"),
        ("~gone~", "~~gone~~"),
        ("see <https://x.example/a?b=1|the page>", "see [the page](https://x.example/a?b=1)"),
        ("<https://x.example>", "https://x.example"),
        ("<!here> <!channel> <!everyone>", "@here @channel @everyone"),
        ("ping <@U123|li.na> in <#C9|ops>", "ping @li.na in #ops"),
        ("<!subteam^S1|@oncall> <!date^1392734382^{date}|Feb 18>", "@oncall Feb 18"),
        ("a &lt;b&gt; &amp; c", "a <b> & c"),
        (
            "code `*not bold*` and ```\n*still not*\n```",
            "code `*not bold*` and ```\n*still not*\n```",
        ),
        ("2 * 3 * 4", "2 * 3 * 4"),
        ("**already**", "**already**"),
    ],
)
def test_mrkdwn_to_markdown(slack: str, markdown: str) -> None:
    assert slack_to_markdown(slack) == markdown


def test_text_only_is_a_plain_message() -> None:
    message = from_slack(
        {"text": "hello *team*", "username": "ci", "icon_emoji": ":robot:", "channel": "#x"}
    )
    assert message.text == "hello **team**" and message.card is None


def test_mrkdwn_false_keeps_text_as_is() -> None:
    assert from_slack({"text": "*raw*", "mrkdwn": False}).text == "*raw*"


def test_blocks_become_a_valid_card() -> None:
    message = from_slack(
        {
            "blocks": [
                {"type": "section", "text": {"type": "plain_text", "text": "Plain *text*"}},
                {"type": "header", "text": {"type": "plain_text", "text": "Late header"}},
                {
                    "type": "section",
                    "fields": [{"type": "mrkdwn", "text": "no label here"}],
                    "accessory": {
                        "type": "image",
                        "image_url": "http://insecure.example/x.png",
                        "alt_text": "x",
                    },
                },
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "text": {"type": "plain_text", "text": "Open"},
                            "url": "https://x.example",
                        },
                        {
                            "type": "button",
                            "text": {"type": "plain_text", "text": "Approve"},
                            "action_id": "a",
                        },
                    ],
                },
                {"type": "input", "label": {"type": "plain_text", "text": "ignored"}},
                {
                    "type": "rich_text",
                    "elements": [
                        {
                            "type": "rich_text_section",
                            "elements": [
                                {"type": "text", "text": "rich "},
                                {"type": "link", "url": "https://r.example", "text": "link"},
                            ],
                        }
                    ],
                },
            ]
        }
    )
    assert message.card is not None
    assert message.card == validate_card(message.card)  # already in normal form
    texts = [block.get("text") for block in message.card["blocks"]]
    assert texts == [
        "Plain *text*",
        "**Late header**",
        "no label here",
        "[x](http://insecure.example/x.png)",
        "[Open](https://x.example)",
        "rich link",
    ]
    assert "header" not in message.card
    assert message.text == message.card["fallback"] and message.text


def test_many_fields_are_split_into_blocks_of_twenty() -> None:
    fields = [{"type": "mrkdwn", "text": f"*F{i}:* v{i}"} for i in range(25)]
    card = from_slack({"text": "t", "blocks": [{"type": "section", "fields": fields}]}).card
    assert card is not None
    assert [len(b["fields"]) for b in card["blocks"]] == [20, 5]
    assert card["blocks"][1]["fields"][0] == {"label": "F20", "value": "v20", "short": True}


@pytest.mark.parametrize(
    "payload",
    [{}, {"text": ""}, {"text": "  ", "attachments": []}, {"blocks": [{"type": "input"}]}],
)
def test_nothing_to_post_is_refused(payload: dict[str, object]) -> None:
    with pytest.raises(HubError) as raised:
        from_slack(payload)
    assert raised.value.code == "validation_failed" and "no text" in raised.value.message


def test_wrong_types_are_refused() -> None:
    for payload in ({"text": 5}, {"blocks": {"type": "divider"}}, {"attachments": ["x"]}):
        with pytest.raises(HubError):
            from_slack(payload)
