"""A bot for the browser tests of cards: the expense claim and leave request of docs/cards.md.

Enabled as "tests.e2e.cardbot:bot". `/expense alice bob` posts the claim with approve and
reject for those two; `/leave` posts a card with every other input kind; `/leaveform` opens
the same inputs as a form. Approving with the comment "slow" takes a second, so a test can

"""

from __future__ import annotations

import asyncio
from typing import Any

from hub.botkit import ActionContext, Bot, BotError, CommandContext, FormContext

bot = Bot("cards", display_name={"en": "Card demo", "zh-CN": "卡片演示"}, description="Test cards")

LEAVE_INPUTS: list[dict[str, Any]] = [
    {"type": "image", "url": "/favicon.svg", "alt": "The hub's logo"},
    {
        "type": "input",
        "kind": "date_range",
        "name": "period",
        "label": "Dates / 日期",
        "required": True,
    },
    {
        "type": "input",
        "kind": "select",
        "name": "leave_type",
        "label": "Type / 类型",
        "options": [
            {"value": "annual", "label": "Annual / 年假"},
            {"value": "sick", "label": "Sick / 病假"},
        ],
        "default": "annual",
    },
    {
        "type": "input",
        "kind": "select",
        "name": "notify",
        "label": "Notify / 通知",
        "multiple": True,
        "options": [{"value": "team", "label": "Team"}, {"value": "hr", "label": "HR"}],
    },
    {
        "type": "input",
        "kind": "people",
        "name": "cover",
        "label": "Covered by / 代理人",
        "multiple": True,
    },
    {"type": "input", "kind": "department", "name": "department", "label": "Department / 部门"},
    {
        "type": "input",
        "kind": "number",
        "name": "days",
        "label": "Days / 天数",
        "min": 0.5,
        "max": 30,
        "required": True,
    },
    {
        "type": "input",
        "kind": "text",
        "name": "phone",
        "label": "Phone while away",
        "max_length": 30,
        "hint": "Only your team sees it.",
    },
    {
        "type": "input",
        "kind": "file",
        "name": "evidence",
        "label": "Evidence",
        "accept": ["application/pdf", "image/*"],
        "max_files": 3,
    },
    {
        "type": "input",
        "kind": "checkbox",
        "name": "handover_done",
        "label": "Handover done / 已交接",
        "required": True,
    },
]


def expense_card(approvers: list[int]) -> dict[str, Any]:
    return {
        "schema": 1,
        "header": {
            "title": "报销申请 Expense claim #1024",
            "subtitle": "Travel to Shanghai / 上海出差",
            "icon": "🧾",
        },
        "status": {"label": "待审批 Pending", "tone": "warning"},
        "blocks": [
            {
                "type": "markdown",
                "text": "**李雷 Li Lei** submitted a claim for the [Q1 sales trip](https://hub.example/trips/88).",
            },
            {
                "type": "fields",
                "fields": [
                    {"label": "金额 Amount", "value": "¥3,280.50"},
                    {"label": "成本中心 Cost centre", "value": "Sales East"},
                    {
                        "label": "事由 Reason",
                        "value": "Flights and two nights' hotel for the customer visit.",
                        "short": False,
                    },
                ],
            },
            {
                "type": "timeline",
                "steps": [
                    {
                        "title": "提交 Submitted",
                        "state": "done",
                        "person_name": "李雷",
                        "at": "2025-03-01T09:30:00+08:00",
                    },
                    {
                        "title": "主管审批 Manager approval",
                        "state": "current",
                        "person_name": "王芳",
                    },
                    {"title": "财务复核 Finance review", "state": "pending"},
                ],
            },
            {"type": "divider"},
            {
                "type": "input",
                "kind": "money",
                "name": "approved_amount",
                "label": "核准金额 Approved amount",
                "currency": "CNY",
                "min": 0,
                "max": 3280.5,
                "default": "3280.50",
                "required": True,
            },
            {
                "type": "input",
                "kind": "textarea",
                "name": "comment",
                "label": "意见 Comment",
                "placeholder": "Optional / 选填",
                "max_length": 500,
            },
            {
                "type": "actions",
                "actions": [
                    {
                        "id": "approve",
                        "label": "同意 Approve",
                        "style": "primary",
                        "allowed": {"people": approvers, "roles": ["finance"]},
                    },
                    {
                        "id": "reject",
                        "label": "驳回 Reject",
                        "style": "danger",
                        "confirm": {
                            "title": "驳回报销？ Reject the claim?",
                            "text": "李雷 will be told to revise and resubmit.",
                            "ok": "驳回 Reject",
                            "cancel": "取消 Cancel",
                        },
                        "allowed": {"people": approvers},
                    },
                ],
            },
            {"type": "context", "text": "Expense bot · claim 1024 · 由报销机器人发送"},
        ],
    }


def decided(label: str, tone: str, who: str, values: dict[str, Any]) -> dict[str, Any]:
    fields = [{"label": "Decided by", "value": who}]
    if "approved_amount" in values:
        fields.append({"label": "Approved amount", "value": f"¥{values['approved_amount']}"})
    if values.get("comment"):
        fields.append({"label": "Comment", "value": values["comment"], "short": False})
    return {
        "schema": 1,
        "header": {"title": "报销申请 Expense claim #1024", "icon": "🧾"},
        "status": {"label": label, "tone": tone},
        "blocks": [{"type": "fields", "fields": fields}],
    }


@bot.command("expense", usage="approver ...", description="Post an expense claim card")
async def expense(ctx: CommandContext) -> None:
    approvers = []
    for username in ctx.args:
        person = await ctx.find_person(username)
        if person is None:
            raise BotError(f"No one is called {username}.")
        approvers.append(person.id)
    await ctx.post(card=expense_card(approvers))


@bot.action("approve")
async def approve(ctx: ActionContext) -> dict[str, Any]:
    assert ctx.person is not None
    if ctx.values.get("comment") == "slow":
        await asyncio.sleep(1.5)
    return decided("已同意 Approved", "success", ctx.person.username, ctx.values)


@bot.action("reject")
async def reject(ctx: ActionContext) -> dict[str, Any]:
    assert ctx.person is not None
    return decided("已驳回 Rejected", "danger", ctx.person.username, ctx.values)


@bot.command("leave", description="Post a leave request card")
async def leave(ctx: CommandContext) -> None:
    await ctx.post(
        card={
            "schema": 1,
            "header": {"title": "Leave request / 请假申请"},
            "blocks": [
                *LEAVE_INPUTS,
                {
                    "type": "actions",
                    "actions": [{"id": "submit", "label": "Submit / 提交", "style": "primary"}],
                },
            ],
        }
    )


@bot.action("submit")
async def submit(ctx: ActionContext) -> dict[str, Any]:
    return summary("Submitted / 已提交", ctx.values)


@bot.command("leaveform", description="Open the leave request as a form")
async def leave_form(ctx: CommandContext) -> None:
    card = {"schema": 1, "header": {"title": "Leave request / 请假申请"}, "blocks": LEAVE_INPUTS}
    await ctx.open_form(card, handler="leave", state={"channel_id": ctx.channel_id})


@bot.form("leave")
async def leave_submitted(ctx: FormContext) -> None:
    assert ctx.person is not None
    if ctx.values.get("phone") == "000":
        raise BotError({"en": "Not a phone number.", "zh-CN": "不是电话号码。"}, field="phone")
    await ctx.post(ctx.state["channel_id"], card=summary(f"From {ctx.person.username}", ctx.values))


def summary(label: str, values: dict[str, Any]) -> dict[str, Any]:
    fields = [
        {"label": name, "value": str(value), "short": False}
        for name, value in sorted(values.items())
    ]
    return {
        "schema": 1,
        "header": {"title": "Leave request / 请假申请"},
        "status": {"label": label, "tone": "success"},
        "blocks": [{"type": "fields", "fields": fields}],
    }


@bot.command("review", description="A card whose Reject needs a reason")
async def review(ctx: CommandContext) -> None:
    await ctx.post(
        card={
            "schema": 2,
            "header": {"title": {"en": "Contract review", "zh-CN": "合同审核"}},
            "blocks": [
                {"type": "input", "kind": "textarea", "name": "reason", "label": "Reason / 理由"},
                {
                    "type": "actions",
                    "actions": [
                        {"id": "submit", "label": {"en": "Approve", "zh-CN": "同意"}},
                        {
                            "id": "turn_down",
                            "label": {"en": "Reject", "zh-CN": "驳回"},
                            "style": "danger",
                            "requires": ["reason"],
                        },
                    ],
                },
            ],
        }
    )


@bot.action("turn_down")
async def turn_down(ctx: ActionContext) -> dict[str, Any]:
    return summary("Rejected / 已驳回", ctx.values)
