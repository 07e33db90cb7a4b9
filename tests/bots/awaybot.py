"""A test bot for scoped roles and out-of-office delegation (tests/bots/test_delegation.py):
`/ask USERNAME` sends that person a card waiting for them that only they may approve;
`/hrbp USERNAME` and `/stands_in USERNAME` answer who serves and who acts for someone."""

from __future__ import annotations

from hub.botkit import (
    Action,
    ActionContext,
    Actions,
    Allowed,
    Bot,
    Card,
    CommandContext,
    Markdown,
    Status,
)

bot = Bot("away", description="Delegation and scoped roles (tests)")


def ask_card(approver_id: int, *, by: str | None = None) -> Card:
    if by is not None:
        return Card(header="Request", status=Status("Approved"), blocks=[Markdown(by)])
    return Card(
        header="Request",
        status=Status("Waiting"),
        blocks=[
            Markdown("Please approve"),
            Actions(
                [
                    Action("approve", "Approve", allowed=Allowed(people=[approver_id])),
                    Action("finance", "Book", allowed=Allowed(roles=["finance"])),
                ]
            ),
        ],
        awaiting=[approver_id],
    )


@bot.command("ask", usage="USERNAME")
async def ask(ctx: CommandContext) -> None:
    approver = await ctx.find_person(ctx.args[0])
    assert approver is not None
    await ctx.post_direct(approver.id, card=ask_card(approver.id))


@bot.action("approve")
async def approve(ctx: ActionContext) -> Card:
    acted = ctx.person.username if ctx.person else "?"
    behalf = ctx.on_behalf_of.username if ctx.on_behalf_of else None
    return ask_card(0, by=f"{acted} for {behalf}" if behalf else acted)


@bot.action("finance")
async def finance(ctx: ActionContext) -> Card:
    return await approve(ctx)


@bot.command("hrbp", usage="USERNAME")
async def hrbp(ctx: CommandContext) -> None:
    person = await ctx.find_person(ctx.args[0])
    assert person is not None
    found = await ctx.role_members("hrbp", department_id=person.department_id)
    await ctx.reply_private(" ".join(p.username for p in found) or "none")


@bot.command("stands_in", usage="USERNAME")
async def stands_in(ctx: CommandContext) -> None:
    person = await ctx.find_person(ctx.args[0])
    assert person is not None
    delegate = await ctx.delegate_for(person.id)
    await ctx.reply_private(delegate.username if delegate else "none")


@bot.command("here", description="A card in this channel that finance may book")
async def here(ctx: CommandContext) -> None:
    assert ctx.person is not None
    await ctx.post(card=ask_card(ctx.person.id))
