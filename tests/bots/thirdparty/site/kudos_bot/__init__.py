"""/kudos @person for what: thanks in the channel, counted in the bot's own table."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Field, SQLModel, func, select

from hub.botkit import Bot, BotError, CommandContext

bot = Bot(
    "kudos",
    display_name="Kudos",
    description="Say thanks",
    migrations=Path(__file__).with_name("migrations"),
)


class Kudos(SQLModel, table=True):
    __tablename__ = "kudos_given"

    id: int | None = Field(default=None, primary_key=True)
    giver_id: int
    receiver_id: int
    reason: str = Field(max_length=300)


@bot.command("kudos", usage="@person for what", description="Thank someone")
async def kudos(ctx: CommandContext) -> None:
    if not ctx.args or not ctx.args[0].startswith("@"):
        raise BotError("Usage: /kudos @person for what")
    receiver = await ctx.find_person(ctx.args[0][1:])
    if receiver is None or ctx.person is None:
        raise BotError(f"No {ctx.args[0]} here.")
    ctx.db.add(
        Kudos(giver_id=ctx.person.id, receiver_id=receiver.id, reason=" ".join(ctx.args[1:]))
    )
    await ctx.db.flush()
    total = (await ctx.db.exec(select(func.count()).where(Kudos.receiver_id == receiver.id))).one()
    await ctx.post(text=f"🎉 {receiver.display_name} got kudos ({total} so far)")
