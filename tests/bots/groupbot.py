"""Two test bots for linked cards (tests/bots/test_card_groups.py), built with hub.botkit's
card builders: `linked` posts one request's cards in a channel and to two people and
re-renders them together; `linked2` posts a card under the same group key, which must
stay its own."""

from __future__ import annotations

from hub.botkit import (
    Action,
    ActionContext,
    Actions,
    Block,
    Bot,
    Card,
    CommandContext,
    Form,
    FormContext,
    GroupCard,
    Markdown,
    NumberInput,
    Status,
)

bot = Bot("linked", description="Linked cards (tests)")
other = Bot("linked2", description="The same group keys, another bot (tests)")


def request_card(key: str, title: str, *, done: bool = False, awaiting: int | None = None) -> Card:
    blocks: list[Block] = [Markdown(f"Request `{key}`")]
    if not done:
        blocks.append(Actions([Action("decide", "Decide", value=key)]))
    return Card(
        header=title,
        status=Status("Done" if done else "Open"),
        blocks=blocks,
        awaiting=[awaiting] if awaiting else None,  # a direct message waits for its person
    )


def decided(card: GroupCard) -> Card:
    # Per recipient: a direct message names its person, in their language.
    who = card.recipient.name_in(card.recipient.locale) if card.recipient else "channel"
    key = card.card["blocks"][0]["text"].split("`")[1]
    return request_card(key, f"Decided for {who}", done=True)


@bot.command("request", usage="KEY")
async def request(ctx: CommandContext) -> None:
    key = ctx.args[0]
    await ctx.post(card=request_card(key, "Request"), group=key)
    for username in ("alice", "carol"):
        person = await ctx.find_person(username)
        assert person is not None
        card = request_card(key, "Request", awaiting=person.id)
        await ctx.post_direct(person.id, card=card, group=key)


@other.command("request2", usage="KEY")
async def request2(ctx: CommandContext) -> None:
    await ctx.post(card=request_card(ctx.args[0], "Other request"), group=ctx.args[0])


@bot.command("decide", usage="KEY [fail|keep-channel]")
async def decide(ctx: CommandContext) -> None:
    key, *how = ctx.args
    seen: list[GroupCard] = []

    async def render(card: GroupCard) -> Card | None:
        seen.append(card)
        if "fail" in how and len(seen) == 3:
            raise RuntimeError("the third card cannot be rendered")
        if "keep-channel" in how and card.recipient is None:
            return None
        return decided(card)

    changed = await ctx.update_group(key, render)
    listed = await ctx.group_cards(key)
    await ctx.reply_private(f"{len(changed)} of {len(listed)} cards updated")


@bot.action("decide")
async def decide_from_card(ctx: ActionContext) -> None:
    async def render(card: GroupCard) -> Card:
        return decided(card)

    await ctx.update_group(str(ctx.action["value"]), render)
    # None: the clicked card keeps what update_group gave it.


@bot.command("ask")
async def ask(ctx: CommandContext) -> None:
    form = Form(header="Days", blocks=[NumberInput("days", "Days", required=True, min=0.5)])
    await ctx.open_form(form, handler="days")


@bot.form("days")
async def days(ctx: FormContext) -> None:
    await ctx.reply_private("noted", card=Card(header=f"{ctx.values['days']} days"))
