"""A bot that receives a sick note through a form and shares it on, as a leave approval does
(enabled as "tests.bots.filebot:bot" in tests/bots/test_file_sharing.py).

The form says whom to share with: `approvers` (people), `channel` (an id), and for the
refusal tests `foreign` (a file id the bot was never given, or "both" to name a channel and
people at once).
"""

from __future__ import annotations

from hub.botkit import Bot, BotError, CommandContext, FormContext, PersonInfo

bot = Bot("files", display_name="Files", description="Receives sick notes and shares them")

FORM = {
    "schema": 1,
    "header": {"title": "Sick leave 病假"},
    "blocks": [
        {
            "type": "input",
            "kind": "file",
            "name": "note",
            "label": "Sick note",
            "accept": ["application/pdf", "image/*"],
            "max_files": 2,
            "required": True,
        },
        {"type": "input", "kind": "people", "name": "approvers", "label": "To", "multiple": True},
        {"type": "input", "kind": "number", "name": "channel", "label": "Channel"},
        {"type": "input", "kind": "text", "name": "foreign", "label": "Another file"},
    ],
}


@bot.command("sicknote", description="Send a sick note")
async def sicknote(ctx: CommandContext) -> None:
    await ctx.open_form(FORM, handler="sicknote")


@bot.form("sicknote")
async def submitted(ctx: FormContext) -> None:
    ids: list[str] = ctx.values["note"]
    names = []
    for file_id in ids:
        info = await ctx.get_file(file_id)
        if info is None:
            raise BotError(f"The bot cannot read {file_id}.")
        names.append(info.name)
    foreign = ctx.values.get("foreign")
    if foreign == "both":
        await ctx.share_files(ids, channel=ctx.channel_id, people=ctx.values["approvers"])
    elif foreign:
        # Something the handler did before the refusal, which must not be kept either.
        await ctx.post(text=f"sharing {foreign}")
        seen = await ctx.get_file(foreign)
        await ctx.reply_private(f"foreign file visible to the bot: {seen is not None}")
        await ctx.share_files([*ids, foreign], people=ctx.values.get("approvers") or [])
    approvers: list[PersonInfo] = []
    for person_id in ctx.values.get("approvers") or []:
        person = await ctx.get_person(person_id)
        assert person is not None
        approvers.append(person)
    if approvers:
        await ctx.share_files(ids, people=approvers)
        for approver in approvers:
            await ctx.post_direct(approver.id, f"Sick note to approve: {', '.join(names)}")
    if ctx.values.get("channel") is not None:
        await ctx.share_files(ids, channel=int(ctx.values["channel"]))
    await ctx.reply_private(f"received {', '.join(names)}")
