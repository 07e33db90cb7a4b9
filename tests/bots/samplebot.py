"""A bot made to exercise every part of the runtime in tests (enabled as "tests.bots.samplebot:bot")."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

from hub.botkit import (
    ActionContext,
    Bot,
    BotError,
    CommandContext,
    EventContext,
    FormContext,
    ShortcutContext,
    TimerContext,
)

bot = Bot("sample", display_name={"en": "Sample", "zh-CN": "示例"}, description="Test bot")
bot.declare_event(
    "sample.finished",
    description={"en": "A sample job finished", "zh-CN": "示例任务完成"},
    example={"job": "report", "ok": True},
)


def approval_card(state: str = "pending", *, by: str = "", approvers: list[int]) -> dict[str, Any]:
    card: dict[str, Any] = {
        "schema": 1,
        "header": {"title": "Expense 报销 #7"},
        "status": {"label": state, "tone": "success" if state == "approved" else "warning"},
        "blocks": [
            {"type": "fields", "fields": [{"label": "Amount", "value": "¥1,280.00"}]},
        ],
    }
    if state == "pending":
        card["blocks"] += [
            {"type": "input", "name": "comment", "label": "Comment", "kind": "text"},
            {
                "type": "actions",
                "actions": [
                    {
                        "id": "approve",
                        "label": "Approve",
                        "style": "primary",
                        "allowed": {"people": approvers, "roles": ["finance"]},
                    },
                    {
                        "id": "reject",
                        "label": "Reject",
                        "style": "danger",
                        "allowed": {"people": approvers},
                    },
                    {"id": "unhandled", "label": "Nobody handles this"},
                ],
            },
        ]
    else:
        card["blocks"].append({"type": "context", "text": f"{state} by {by}"})
    return card


@bot.command("echo", usage="text", description={"en": "Say it back", "zh-CN": "复述"})
async def echo(ctx: CommandContext) -> None:
    await ctx.post(text=f"echo: {ctx.text}")
    await ctx.reply_private(f"you said {len(ctx.args)} words")


@bot.command("expense", usage="approver-id ...", description="Post an approval card")
async def expense(ctx: CommandContext) -> None:
    await ctx.post(card=approval_card(approvers=[int(a) for a in ctx.args]))


@bot.action("approve")
async def approve(ctx: ActionContext) -> dict[str, Any]:
    assert ctx.person is not None
    if ctx.values.get("comment") == "fail":
        raise RuntimeError("the approval system is down")
    await ctx.post(text=f"approved by {ctx.person.username}: {ctx.values.get('comment', '')}")
    return approval_card("approved", by=ctx.person.username, approvers=[])


@bot.action("reject")
async def reject(ctx: ActionContext) -> dict[str, Any]:
    assert ctx.person is not None
    await asyncio.sleep(float(ctx.settings.get("reject_delay", 0)))
    return approval_card("rejected", by=ctx.person.username, approvers=[])


def counter_card(count: int) -> dict[str, Any]:
    return {
        "schema": 1,
        "header": {"title": f"Count {count}"},
        "blocks": [{"type": "actions", "actions": [{"id": "bump", "label": "+1"}]}],
    }


@bot.command("counter", description="A card its own action handler updates through ctx.update")
async def counter(ctx: CommandContext) -> None:
    await ctx.post(card=counter_card(0))


@bot.action("bump")
async def bump(ctx: ActionContext) -> dict[str, Any] | None:
    assert ctx.message is not None
    count = int(ctx.card["header"]["title"].removeprefix("Count "))
    await ctx.update(ctx.message.id, card=counter_card(count + 1))
    return None  # the card as ctx.update left it


@bot.command("finish", usage="job [fail|undeclared]", description="Emits sample.finished")
async def finish(ctx: CommandContext) -> None:
    job, *how = ctx.args
    event = "sample.undeclared" if how == ["undeclared"] else "sample.finished"
    queued = await ctx.emit(event, {"job": job, "by": ctx.person.username if ctx.person else None})
    if how == ["fail"]:
        raise BotError("Failed after emitting: nothing may be sent.")
    await ctx.reply_private(f"queued for {queued}")


@bot.command("history", usage="message-id", description="Lists the actions on a card")
async def history(ctx: CommandContext) -> None:
    actions = await ctx.card_actions(int(ctx.args[0]))
    await ctx.reply_private(
        "; ".join(f"v{a.version} {a.action_id} by {a.person_id} {a.values}" for a in actions)
    )


@bot.command("followup", description="DMs a thread, schedules follow-ups and lists them")
async def followup(ctx: CommandContext) -> None:
    assert ctx.person is not None
    root = await ctx.post_direct(ctx.person.id, "request 申请")
    await ctx.post_direct(ctx.person.id, "update 进展", thread_root_id=root.id)
    for hours in (48, 24):
        await ctx.schedule("remind", after=timedelta(hours=hours), key=f"fu-{root.id}-{hours}")
    await ctx.schedule("remind", after=timedelta(hours=1), key="other")
    timers = await ctx.timers(key_prefix=f"fu-{root.id}-")
    await ctx.reply_private(" ".join(f"{t.key}@{t.handler}" for t in timers))


@bot.command("due", usage="YYYY-MM-DD n", description="Working days from a date")
async def due(ctx: CommandContext) -> None:
    start, n = date.fromisoformat(ctx.args[0]), int(ctx.args[1])
    end = ctx.add_workdays(start, n)
    await ctx.reply_private(f"{end} {ctx.workdays(start, end)} {ctx.is_workday(start)}")


@bot.command("boss", usage="username levels", description="The manager N levels up")
async def boss(ctx: CommandContext) -> None:
    person = await ctx.find_person(ctx.args[0])
    assert person is not None
    found = await ctx.manager(person.id, levels_up=int(ctx.args[1]))
    await ctx.reply_private(found.username if found else "none")


@bot.command("boom", description="Posts, then fails: nothing may be kept")
async def boom(ctx: CommandContext) -> None:
    await ctx.post(text="half-done")
    raise ZeroDivisionError("boom")


@bot.command("slow", description="Posts, then runs past the time limit")
async def slow(ctx: CommandContext) -> None:
    await ctx.post(text="slow start")
    await asyncio.sleep(60)


@bot.command("refuse", description="Refuses with a message for the person")
async def refuse(ctx: CommandContext) -> None:
    raise BotError("Not today.")


@bot.command("ask", description="Opens a form")
async def ask(ctx: CommandContext) -> None:
    form = {
        "schema": 1,
        "header": {"title": "Leave 请假"},
        "blocks": [
            {
                "type": "input",
                "name": "days",
                "label": "Days",
                "kind": "number",
                "required": True,
                "min": 0.5,
            },
            {"type": "input", "name": "reason", "label": "Reason", "kind": "textarea"},
        ],
    }
    await ctx.open_form(form, handler="leave", state={"channel_id": ctx.channel_id})


@bot.form("leave")
async def leave(ctx: FormContext) -> None:
    assert ctx.person is not None
    await ctx.post(ctx.state["channel_id"], f"{ctx.person.username} asks {ctx.values['days']} days")


@bot.command("remind", usage="seconds text", description="Reminds the channel later")
async def remind(ctx: CommandContext) -> None:
    seconds, *words = ctx.args
    await ctx.schedule(
        "remind",
        after=timedelta(seconds=float(seconds)),
        key=f"remind-{ctx.channel_id}-{' '.join(words)}",
        payload={"channel_id": ctx.channel_id, "text": " ".join(words)},
    )
    await ctx.reply_private("ok")


@bot.timer("remind")
async def remind_now(ctx: TimerContext) -> None:
    late = " (late)" if ctx.late else ""
    await ctx.post(ctx.payload["channel_id"], f"reminder: {ctx.payload['text']}{late}")


@bot.command("whois", usage="username", description="Org chart lookups")
async def whois(ctx: CommandContext) -> None:
    person = await ctx.find_person(ctx.args[0])
    if person is None:
        raise BotError(f"No {ctx.args[0]}.")
    managers = await ctx.managers(person.id)
    head = await ctx.department_head(person.department_id) if person.department_id else None
    admins = await ctx.role_members("admin")
    await ctx.reply_private(
        f"{person.username}: managers={[m.username for m in managers]} "
        f"head={head.username if head else None} admins={[a.username for a in admins]}"
    )


@bot.shortcut("remember", label={"en": "Remember this", "zh-CN": "记住这条"})
async def remember(ctx: ShortcutContext) -> None:
    assert ctx.message is not None and ctx.person is not None
    await ctx.post_direct(ctx.person.id, f"you asked me to remember: {ctx.message.text}")
    await ctx.reply_private("noted 已记下")


@bot.on("reaction.added")
async def on_reaction(ctx: EventContext) -> None:
    assert ctx.message is not None and ctx.person is not None
    if ctx.data["emoji"] == "✅":
        await ctx.post(text=f"{ctx.person.username} ticked “{ctx.message.text}”")


@bot.on("member.left")
async def on_left(ctx: EventContext) -> None:
    assert ctx.person is not None
    await ctx.post(text=f"{ctx.person.username} left ({ctx.data['reason']})")


@bot.on("message")
async def on_message(ctx: EventContext) -> None:
    assert ctx.message is not None
    if "ping" in ctx.message.text:
        await ctx.post(text="pong")


@bot.command("tidy", description="Posts, edits, replaces a card, deletes, and DMs the person")
async def tidy(ctx: CommandContext) -> None:
    assert ctx.person is not None
    note = await ctx.post(text="draft")
    await ctx.update(note.id, text="final")
    card = await ctx.post(card={"schema": 1, "header": {"title": "v1"}})
    await ctx.update(card.id, card={"schema": 1, "header": {"title": "v2"}})
    gone = await ctx.post(text="temporary")
    await ctx.delete(gone.id)
    await ctx.post_direct(ctx.person.id, "just for you")


@bot.command("unremind", usage="text", description="Cancels a reminder")
async def unremind(ctx: CommandContext) -> None:
    cancelled = await ctx.cancel(f"remind-{ctx.channel_id}-{ctx.text}")
    await ctx.reply_private("cancelled" if cancelled else "nothing to cancel")


@bot.command("receipt", description="Asks for a receipt file")
async def receipt(ctx: CommandContext) -> None:
    await ctx.post(
        card={
            "schema": 1,
            "header": {"title": "Receipt"},
            "blocks": [
                {
                    "type": "input",
                    "kind": "file",
                    "name": "files",
                    "label": "Receipt",
                    "accept": ["application/pdf", "image/*"],
                    "max_files": 2,
                    "required": True,
                },
                {"type": "actions", "actions": [{"id": "attach", "label": "Attach"}]},
            ],
        }
    )


@bot.action("attach")
async def attach(ctx: ActionContext) -> dict[str, Any]:
    names = []
    for file_id in ctx.values["files"]:
        info = await ctx.get_file(file_id)
        assert info is not None
        names.append(f"{info.name} ({info.content_type}, {info.size} bytes) {info.url}")
    return {
        "schema": 1,
        "header": {"title": "Receipt"},
        "blocks": [{"type": "markdown", "text": "\n".join(names)}],
    }


@bot.command("greet", usage="[no] [person-id]", description="Replies (or refuses) in two languages")
async def greet(ctx: CommandContext) -> None:
    if ctx.args[:1] == ["no"]:
        raise BotError({"en": "Not now.", "zh-CN": "现在不行。"})
    target = int(ctx.args[0]) if ctx.args else None
    await ctx.reply_private({"en": "Hello", "zh-CN": "你好"}, person_id=target)


def todo_card(awaiting: list[int]) -> dict[str, Any]:
    return {
        "schema": 1,
        "header": {"title": "To do 待办"},
        "blocks": [{"type": "actions", "actions": [{"id": "done", "label": "Done"}]}],
        "awaiting": awaiting,
    }


@bot.command("todo", usage="username ...", description="Posts a card waiting for these people")
async def todo(ctx: CommandContext) -> None:
    awaiting = []  # usernames, or person ids as given (an unknown id must be refused)
    for name in ctx.args:
        person = None if name.isdigit() else await ctx.find_person(name)
        awaiting.append(int(name) if name.isdigit() else person.id if person else 0)
    await ctx.post(card=todo_card(awaiting))


@bot.action("done")
async def done(ctx: ActionContext) -> dict[str, Any]:
    assert ctx.person is not None
    return todo_card([i for i in ctx.card.get("awaiting", []) if i != ctx.person.id])
