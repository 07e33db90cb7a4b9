"""A bot with app routes of every kind, for tests/api/test_apps.py (docs/apps.md)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from hub.botkit import AppContext, Bot, BotError

bot = Bot("appbot", display_name="App bot")


class Note(BaseModel):
    text: str = Field(min_length=1, max_length=40)
    count: int = Field(ge=1, le=5)


@bot.route("/whoami")
async def whoami(ctx: AppContext) -> dict[str, Any]:
    """Who is calling, and the query they sent."""
    assert ctx.person is not None
    return {"username": ctx.person.username, "query": ctx.request.query}


@bot.route("/notes", methods=["POST"], body=Note, guests=True)
async def add_note(ctx: AppContext) -> dict[str, Any]:
    """Take a note (guests too); "no" is refused in the caller's language."""
    note: Note = ctx.request.json
    if note.text == "no":
        raise BotError({"en": "No notes saying no.", "zh-CN": "不能记“不”。"})
    return {"text": note.text * note.count}


@bot.route("/notes/{note_id:int}", methods=["PUT"])
async def replace_note(ctx: AppContext) -> dict[str, Any]:
    """Replace a note with any JSON."""
    return {"id": ctx.request.params["note_id"], "got": ctx.request.json}


@bot.route("/broken")
async def broken(ctx: AppContext) -> Any:
    """An answer that is not JSON: the bot's bug, answered as the bot failing."""
    return {"when": object()}
