"""The poll bot: `/poll "Where do we eat?" Noodles Dumplings Hotpot`.

Posts a card with a button per option and live counts; one vote per person, which they
may change; its creator closes it. The small, complete example of the bot API
(docs/bots.md): a manifest, a command, card actions, its own tables.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlmodel import col, select

from bots.poll.models import Poll, PollVote
from hub.botkit import ActionContext, Bot, BotError, CommandContext

bot = Bot.from_manifest(Path(__file__).with_name("manifest.toml"))

WORDS = {
    "en": {
        "open": "Open",
        "closed": "Closed",
        "votes": "votes",
        "voters": "voted",
        "close": "Close poll",
        "confirm": "Close this poll? No one can vote after.",
        "by": "Poll by",
    },
    "zh": {
        "open": "进行中",
        "closed": "已结束",
        "votes": "票",
        "voters": "人已投票",
        "close": "结束投票",
        "confirm": "确定结束投票？结束后不能再投票。",
        "by": "发起人",
    },
}
USAGE = '/poll "Question" option option ...'


@bot.command(
    "poll",
    usage='"Question" option option ...',
    description={"en": "Start a poll", "zh-CN": "发起投票"},
)
async def start_poll(ctx: CommandContext) -> None:
    if len(ctx.args) < 3:
        raise BotError(f"A poll needs a question and at least two options: {USAGE}")
    question, options = ctx.args[0], ctx.args[1:]
    if len(options) > int(ctx.settings["max_options"]):
        raise BotError(f"A poll has at most {ctx.settings['max_options']} options.")
    if len(set(options)) != len(options):
        raise BotError("Each option must be different.")
    assert ctx.person is not None
    poll = Poll(
        message_id=0,
        channel_id=ctx.channel_id or 0,
        creator_id=ctx.person.id,
        question=question[:300],
        options=options,
        locale="zh" if ctx.person.locale.startswith("zh") else "en",
    )
    message = await ctx.post(card=render(poll, {}, creator_name=ctx.person.display_name))
    poll.message_id = message.id
    ctx.db.add(poll)


@bot.action("vote_*")
async def vote(ctx: ActionContext) -> dict[str, Any]:
    poll = await _poll_of(ctx)
    if poll.closed:
        raise BotError("This poll is closed.")
    option = int(ctx.action_id.removeprefix("vote_"))
    assert ctx.person is not None
    existing = await ctx.db.get(PollVote, (poll.id, ctx.person.id))
    if existing is None:
        ctx.db.add(PollVote(poll_id=poll.id or 0, person_id=ctx.person.id, option=option))
    else:
        existing.option = option  # a changed mind replaces the vote
        ctx.db.add(existing)
    await ctx.db.flush()
    return await _render_current(ctx, poll)


@bot.action("close")
async def close(ctx: ActionContext) -> dict[str, Any]:
    poll = await _poll_of(ctx)
    poll.closed = True
    ctx.db.add(poll)
    return await _render_current(ctx, poll)


async def _poll_of(ctx: ActionContext) -> Poll:
    assert ctx.message is not None
    poll = (await ctx.db.exec(select(Poll).where(Poll.message_id == ctx.message.id))).first()
    if poll is None:
        raise BotError("This poll is no longer known to the poll bot.")
    return poll


async def _render_current(ctx: ActionContext, poll: Poll) -> dict[str, Any]:
    votes = await ctx.db.exec(select(PollVote).where(col(PollVote.poll_id) == poll.id))
    counts: dict[int, int] = {}
    for v in votes:
        counts[v.option] = counts.get(v.option, 0) + 1
    creator = await ctx.get_person(poll.creator_id)
    return render(poll, counts, creator_name=creator.display_name if creator else "?")


def render(poll: Poll, counts: dict[int, int], *, creator_name: str) -> dict[str, Any]:
    """The poll as a card: a bar per option, a button per option while open, Close for its creator."""
    words = WORDS[poll.locale]
    total = sum(counts.values())
    lines = []
    for index, option in enumerate(poll.options):
        count = counts.get(index, 0)
        share = round(100 * count / total) if total else 0
        bar = "█" * (share // 10) + "░" * (10 - share // 10)
        lines.append(f"**{option}**  \n`{bar}` {count} {words['votes']} ({share}%)")
    blocks: list[dict[str, Any]] = [
        {"type": "markdown", "text": "\n\n".join(lines)},
        {"type": "context", "text": f"{words['by']} {creator_name} · {total} {words['voters']}"},
    ]
    if not poll.closed:
        buttons: list[dict[str, Any]] = [
            {"id": f"vote_{index}", "label": option[:75]}
            for index, option in enumerate(poll.options)
        ]
        close_button = {
            "id": "close",
            "label": words["close"],
            "style": "danger",
            "confirm": {"title": words["close"], "text": words["confirm"]},
            "allowed": {"people": [poll.creator_id]},
        }
        blocks.append({"type": "actions", "actions": buttons})
        blocks.append({"type": "actions", "actions": [close_button]})
    state = words["closed"] if poll.closed else words["open"]
    summary = [
        f"{option}: {counts.get(i, 0)} {words['votes']}" for i, option in enumerate(poll.options)
    ]
    return {
        "schema": 1,
        # Written here rather than generated, so mail and notifications read in the poll's language.
        "fallback": "\n".join([f"📊 {poll.question} ({state})", *summary, blocks[1]["text"]]),
        "header": {"title": poll.question, "icon": "📊"},
        "status": {
            "label": words["closed"] if poll.closed else words["open"],
            "tone": "neutral" if poll.closed else "info",
        },
        "blocks": blocks,
    }
