"""A bot for the browser tests of the to-do inbox: cards that wait for people.

Enabled as "tests.e2e.inboxbot:bot". `/todo bob carol` posts a sign-off card waiting for
those two (its `awaiting`); each one's "Sign off" takes them out of it, and the card stops
waiting for anyone once all have signed. `/todo_direct carol` sends Carol such a card in a
direct message, which her delegate signs for her while she is out of office.
"""

from __future__ import annotations

from typing import Any

from hub.botkit import ActionContext, Bot, BotError, CommandContext

bot = Bot("todo", display_name={"en": "Sign-off", "zh-CN": "会签"}, description="Inbox tests")


def sign_off_card(waiting: list[int], signed: list[str]) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {"type": "markdown", "text": "Please sign off the Q3 budget."},
    ]
    if signed:
        blocks.append({"type": "context", "text": "Signed: " + ", ".join(signed)})
    if waiting:
        blocks.append(
            {
                "type": "actions",
                "actions": [
                    {
                        "id": "sign_off",
                        "label": "Sign off",
                        "style": "primary",
                        "allowed": {"people": waiting},
                    }
                ],
            }
        )
    return {
        "schema": 1,
        "header": {"title": "Budget sign-off"},
        "status": {
            "label": "Waiting" if waiting else "Done",
            "tone": "warning" if waiting else "success",
        },
        "blocks": blocks,
        "awaiting": waiting,
    }


@bot.command("todo", usage="person ...", description="Post a card waiting for these people")
async def todo(ctx: CommandContext) -> None:
    waiting = []
    for username in ctx.args:
        person = await ctx.find_person(username)
        if person is None:
            raise BotError(f"No one is called {username}.")
        waiting.append(person.id)
    await ctx.post(card=sign_off_card(waiting, []))


@bot.command("todo_direct", usage="person", description="Send a person a card waiting for them")
async def todo_direct(ctx: CommandContext) -> None:
    person = await ctx.find_person(ctx.args[0])
    if person is None:
        raise BotError(f"No one is called {ctx.args[0]}.")
    await ctx.post_direct(person.id, card=sign_off_card([person.id], []))


@bot.action("sign_off")
async def sign_off(ctx: ActionContext) -> dict[str, Any]:
    assert ctx.person is not None and ctx.message is not None
    card = ctx.message.card or {}
    # A delegate signs for the person who is away: it is that person's sign-off.
    signer = ctx.on_behalf_of or ctx.person
    waiting = [i for i in card.get("awaiting", []) if i != signer.id]
    by = f" (by {ctx.person.username})" if ctx.on_behalf_of else ""
    signed = [*_signed(card), signer.username + by]
    return sign_off_card(waiting, signed)


def _signed(card: dict[str, Any]) -> list[str]:
    for block in card.get("blocks", []):
        if block.get("type") == "context" and block["text"].startswith("Signed: "):
            return [name for name in block["text"][len("Signed: ") :].split(", ") if name]
    return []
