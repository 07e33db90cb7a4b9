"""A bot for the tests of table inputs and table blocks (card schema 3), built with the
typed builders of hub.botkit as a bot author would.

Enabled as "tests.e2e.tablebot:bot". `/claim` opens an expense claim form whose lines are
a table (item, day, kind, amount with a total); on submit the bot posts a card showing
the lines as a read-only table with their total. A line over 1000 is refused by the bot
on that cell (`lines[2].amount`), so its error lands under the cell. `/claimcard` posts
the same table on a card in the channel, with a Submit button.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hub.botkit import (
    Action,
    ActionContext,
    Actions,
    Bot,
    BotError,
    Card,
    CommandContext,
    FieldItem,
    Fields,
    Form,
    FormContext,
    Option,
    Status,
    TableBlock,
    TableColumn,
    TableInput,
    TextInput,
)

bot = Bot("claims", display_name={"en": "Claims", "zh-CN": "报销"}, description="Expense lines")

LINE_LIMIT = Decimal(1000)
TITLE = {"en": "Expense claim", "zh-CN": "报销单"}

LINES = TableInput(
    "lines",
    {"en": "Expense lines", "zh-CN": "费用明细"},
    required=True,
    columns=[
        TableColumn("item", {"en": "Item", "zh-CN": "项目"}, required=True),
        TableColumn("day", {"en": "Day", "zh-CN": "日期"}, "date"),
        TableColumn(
            "kind",
            {"en": "Kind", "zh-CN": "类别"},
            "select",
            options=[
                Option("taxi", {"en": "Taxi", "zh-CN": "出租车"}),
                Option("hotel", {"en": "Hotel", "zh-CN": "酒店"}),
                Option("meal", {"en": "Meal", "zh-CN": "餐费"}),
            ],
        ),
        TableColumn(
            "amount", {"en": "Amount", "zh-CN": "金额"}, "money", required=True, min=0, total=True
        ),
    ],
    min_rows=1,
    max_rows=4,
)


def claim_form() -> Form:
    purpose = TextInput("purpose", {"en": "Purpose", "zh-CN": "事由"}, required=True)
    return Form(header=TITLE, blocks=[purpose, LINES])


def claim_card(person: str, values: dict[str, Any]) -> Card:
    return Card(
        header=TITLE,
        status=Status({"en": "Submitted", "zh-CN": "已提交"}, "info"),
        blocks=[
            Fields(
                [
                    FieldItem({"en": "By", "zh-CN": "提交人"}, person),
                    FieldItem({"en": "Purpose", "zh-CN": "事由"}, values.get("purpose", "—")),
                ]
            ),
            TableBlock.showing(LINES, values["lines"], title={"en": "Lines", "zh-CN": "明细"}),
        ],
    )


def check_limit(lines: list[dict[str, Any]]) -> None:
    for index, line in enumerate(lines):
        if Decimal(line["amount"]) > LINE_LIMIT:
            raise BotError(
                {"en": "Over the 1000 limit for one line.", "zh-CN": "单笔不能超过 1000。"},
                field=f"lines[{index}].amount",
            )


@bot.command("claim", description="Open an expense claim form")
async def claim(ctx: CommandContext) -> None:
    await ctx.open_form(claim_form(), handler="claim", state={"channel_id": ctx.channel_id})


@bot.form("claim")
async def claim_submitted(ctx: FormContext) -> None:
    assert ctx.person is not None
    check_limit(ctx.values["lines"])
    await ctx.post(ctx.state["channel_id"], card=claim_card(ctx.person.username, ctx.values))


@bot.command("claimcard", description="Post an expense claim card to fill in")
async def claim_on_a_card(ctx: CommandContext) -> None:
    send = Actions([Action("send_claim", {"en": "Send", "zh-CN": "提交"}, style="primary")])
    await ctx.post(card=Card(header=TITLE, blocks=[LINES, send]))


@bot.action("send_claim")
async def send_claim(ctx: ActionContext) -> Card:
    assert ctx.person is not None
    check_limit(ctx.values["lines"])
    return claim_card(ctx.person.username, ctx.values)
