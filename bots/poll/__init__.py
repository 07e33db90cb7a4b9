"""The poll bot: `/poll "Where do we eat?" Noodles Dumplings Hotpot`.

Posts a card with a button per option and live counts; one vote per person, which they
may change; its creator closes it. The small, complete example of the bot API
(docs/bots.md): a manifest, a command, card actions, its own tables. Every text on the
card is given in both languages, so each reader sees theirs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel
from sqlmodel import func

from bots.poll.models import Poll, PollVote
from hub.botkit import (
    Action,
    ActionContext,
    Actions,
    Allowed,
    AppContext,
    Block,
    Bot,
    BotError,
    Card,
    CommandContext,
    Confirm,
    ContextBlock,
    Header,
    Markdown,
    PersonInfo,
    Status,
    col,
    select,
)

bot = Bot.from_manifest(Path(__file__).with_name("manifest.toml"))

WORDS = {
    "en": {
        "open": "Open",
        "closed": "Closed",
        "vote": "vote",
        "votes": "votes",
        "voters": "voted",
        "close": "Close poll",
        "confirm": "Close this poll? No one can vote after.",
        "cancel": "Cancel",
        "by": "Poll by",
    },
    "zh": {
        "open": "进行中",
        "closed": "已结束",
        "vote": "票",
        "votes": "票",
        "voters": "人已投票",
        "close": "结束投票",
        "confirm": "确定结束投票？结束后不能再投票。",
        "cancel": "取消",
        "by": "发起人",
    },
}
LANGUAGES = {"en": "en", "zh-CN": "zh"}  # card language -> WORDS


def both(write: Callable[[dict[str, str], str], str]) -> dict[str, str]:
    """A card text in both languages: `write(words, locale)` for each."""
    return {locale: write(WORDS[key], locale) for locale, key in LANGUAGES.items()}


def word(name: str) -> dict[str, str]:
    return both(lambda words, _: words[name])


USAGE = '/poll "Question" option option ...'


@bot.command(
    "poll",
    usage='"Question" option option ...',
    description={"en": "Start a poll", "zh-CN": "发起投票"},
)
async def start_poll(ctx: CommandContext) -> None:
    if len(ctx.args) < 3:
        raise BotError(
            {
                "en": f"A poll needs a question and at least two options: {USAGE}",
                "zh-CN": f"投票需要一个问题和至少两个选项：{USAGE}",
            }
        )
    question, options = ctx.args[0], ctx.args[1:]
    most = ctx.settings["max_options"]
    if len(options) > int(most):
        raise BotError(
            {"en": f"A poll has at most {most} options.", "zh-CN": f"投票最多 {most} 个选项。"}
        )
    if len(set(options)) != len(options):
        raise BotError({"en": "Each option must be different.", "zh-CN": "选项不能重复。"})
    assert ctx.person is not None
    poll = Poll(
        message_id=0,
        channel_id=ctx.channel_id or 0,
        creator_id=ctx.person.id,
        question=question[:300],
        options=options,
        locale="zh" if ctx.person.locale.startswith("zh") else "en",
    )
    message = await ctx.post(card=render(poll, {}, creator=ctx.person))
    poll.message_id = message.id
    ctx.db.add(poll)


@bot.action("vote_*")
async def vote(ctx: ActionContext) -> Card:
    poll = await _poll_of(ctx)
    if poll.closed:
        raise BotError({"en": "This poll is closed.", "zh-CN": "投票已结束。"})
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
async def close(ctx: ActionContext) -> Card:
    poll = await _poll_of(ctx)
    poll.closed = True
    ctx.db.add(poll)
    return await _render_current(ctx, poll)


async def _poll_of(ctx: ActionContext) -> Poll:
    assert ctx.message is not None
    poll = (await ctx.db.exec(select(Poll).where(Poll.message_id == ctx.message.id))).first()
    if poll is None:
        raise BotError(
            {
                "en": "This poll is no longer known to the poll bot.",
                "zh-CN": "投票机器人找不到这个投票了。",
            }
        )
    return poll


async def _render_current(ctx: ActionContext, poll: Poll) -> Card:
    votes = await ctx.db.exec(select(PollVote).where(col(PollVote.poll_id) == poll.id))
    counts: dict[int, int] = {}
    for v in votes:
        counts[v.option] = counts.get(v.option, 0) + 1
    creator = await ctx.get_person(poll.creator_id)
    return render(poll, counts, creator=creator)


class PollSummary(BaseModel):
    """One poll as the app lists it."""

    id: int
    message_id: int
    channel_id: int
    question: str
    options: list[str]
    closed: bool
    votes: int
    created_at: datetime


class PollList(BaseModel):
    """The latest polls in the channels you can read, newest first."""

    polls: list[PollSummary]


@bot.route("/polls", response=PollList)
async def list_polls(ctx: AppContext) -> PollList:
    """The latest polls in the channels you can read.

    The poll app's page (web/index.js) shows them; at most 50, newest first.
    """
    recent = list(await ctx.db.exec(select(Poll).order_by(col(Poll.id).desc()).limit(200)))
    readable = await ctx.readable_channels({poll.channel_id for poll in recent})
    shown = [poll for poll in recent if poll.channel_id in readable][:50]
    votes = dict(
        (
            await ctx.db.exec(
                select(PollVote.poll_id, func.count())
                .where(col(PollVote.poll_id).in_([poll.id for poll in shown]))
                .group_by(col(PollVote.poll_id))
            )
        ).all()
    )
    return PollList(
        polls=[
            PollSummary(
                id=poll.id or 0,
                message_id=poll.message_id,
                channel_id=poll.channel_id,
                question=poll.question,
                options=poll.options,
                closed=poll.closed,
                votes=votes.get(poll.id or 0, 0),
                created_at=poll.created_at,
            )
            for poll in shown
        ]
    )


def counted(words: dict[str, str], count: int) -> str:
    """Votes counted in a language: "1 vote", "2 votes", "2 票"."""
    return f"{count} {words['vote' if count == 1 else 'votes']}"


def render(poll: Poll, counts: dict[int, int], *, creator: PersonInfo | None) -> Card:
    """The poll as a card: a bar per option, a button per option while open, Close for its creator.

    Its texts are maps of both languages: the one card reads in English to an English
    reader and in Chinese to a Chinese one, whoever started the poll.
    """
    total = sum(counts.values())

    def bars(words: dict[str, str], _: str) -> str:
        lines = []
        for index, option in enumerate(poll.options):
            count = counts.get(index, 0)
            share = round(100 * count / total) if total else 0
            bar = "█" * (share // 10) + "░" * (10 - share // 10)
            lines.append(f"**{option}**  \n`{bar}` {counted(words, count)} ({share}%)")
        return "\n\n".join(lines)

    def byline(words: dict[str, str], locale: str) -> str:
        name = creator.name_in(locale) if creator else "?"
        return f"{words['by']} {name} · {total} {words['voters']}"

    def summary(words: dict[str, str], locale: str) -> str:
        state = words["closed"] if poll.closed else words["open"]
        votes = [
            f"{option}: {counted(words, counts.get(i, 0))}" for i, option in enumerate(poll.options)
        ]
        return "\n".join([f"📊 {poll.question} ({state})", *votes, byline(words, locale)])

    blocks: list[Block] = [Markdown(both(bars)), ContextBlock(both(byline))]
    if not poll.closed:
        buttons = [
            Action(f"vote_{index}", option[:75]) for index, option in enumerate(poll.options)
        ]
        close_button = Action(
            "close",
            word("close"),
            style="danger",
            confirm=Confirm(
                word("close"), word("confirm"), ok=word("close"), cancel=word("cancel")
            ),
            allowed=Allowed(people=[poll.creator_id]),
        )
        blocks += [Actions(buttons), Actions([close_button])]
    return Card(
        header=Header(poll.question[:200], icon="📊"),
        status=Status(
            word("closed" if poll.closed else "open"), "neutral" if poll.closed else "info"
        ),
        blocks=blocks,
        # Written here rather than generated, so mail and notifications carry the counts.
        fallback=both(summary),
    )
