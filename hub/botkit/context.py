"""The context a bot handler receives: everything a bot may do, in one small typed object.

One handler call is one transaction. Messages and cards the handler posts, timers it
schedules, rows it writes with `ctx.db` are committed together when it returns, and
published only then; if it raises or runs past its time limit, none of it is kept and the
person who acted gets a clear error. Private replies and forms go out after the commit.
See docs/bots.md for the whole API with examples.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from hub.botkit.bot import Text, localized
from hub.botkit.cards import CardLike, card_document
from hub.wire.server import MessageOut

Day = TypeVar("Day", date, datetime)

if TYPE_CHECKING:
    from sqlmodel.ext.asyncio.session import AsyncSession

    from hub.botkit.host import HandlerSession


class BotError(Exception):
    """Raise it to refuse with a message for the person ("The poll is closed."); nothing is kept.

    The message may be a map of languages (`{"en": "Closed.", "zh-CN": "已结束。"}`): the
    person reads it in theirs. `field` names the input of the form or card it is about
    (`BotError("No working day in these dates.", field="period")`): the client shows it
    under that input, and the error body names it in `error.details.field`.
    """

    def __init__(self, message: Text = "", *args: object, field: str | None = None) -> None:
        super().__init__(localized(message, "en"), *args)
        self.text = message
        self.field = field

    def text_in(self, locale: str) -> str:
        """The message in `locale` (its language, else English, else any)."""
        return localized(self.text, locale)


@dataclass(frozen=True)
class PersonInfo:
    id: int
    username: str
    display_name: str
    name_en: str | None
    kind: str
    org_id: int
    department_id: int | None
    manager_id: int | None
    title: str | None
    roles: tuple[str, ...]
    locale: str
    time_zone: str
    email: str | None
    active: bool

    def name_in(self, locale: str) -> str:
        """The name to show in `locale`: the English name for English readers when there is one."""
        if locale.startswith("en") and self.name_en:
            return self.name_en
        return self.display_name


@dataclass(frozen=True)
class DepartmentInfo:
    id: int
    name: str
    name_en: str | None
    parent_id: int | None
    head_id: int | None


@dataclass(frozen=True)
class FileInfo:
    """A file a person attached through a card's or form's `file` input."""

    id: str
    name: str
    content_type: str
    size: int
    owner_id: int
    url: str
    """A path on the hub: use it as an `image` block's url, or a link in markdown."""


@dataclass(frozen=True)
class CardActionInfo:
    """One action accepted on a card (`ctx.card_actions`): the audit trail of a request."""

    version: int
    action_id: str
    person_id: int
    values: dict[str, Any]
    at: datetime
    on_behalf_of: int | None = None  # whom person_id acted for, as their delegate


@dataclass(frozen=True)
class TimerInfo:
    """One of this bot's timers still to fire (`ctx.timers`)."""

    id: int
    handler: str
    key: str | None
    due_at: datetime
    cron: str | None
    time_zone: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class GroupCard:
    """One card of a group (`ctx.group_cards`, `ctx.update_group`), as it is now.

    `recipient` is the person a direct message is for (render in their language, with
    their buttons); None for a card in a channel, read by its members."""

    message_id: int
    channel_id: int
    card: dict[str, Any]
    card_version: int
    recipient: PersonInfo | None


RenderGroupCard = Callable[[GroupCard], Awaitable["CardLike | None"]]
"""`async def render(card: GroupCard) -> Card | dict | None`: None leaves that card as it is."""


@dataclass
class Context:
    """What every handler gets. `person` is who acted (None for timers)."""

    _session: HandlerSession
    person: PersonInfo | None
    channel_id: int | None
    settings: dict[str, Any]

    @property
    def bot_id(self) -> int:
        """The person id of this bot's user."""
        return self._session.bot_person_id

    @property
    def db(self) -> AsyncSession:
        """A session on the handler's transaction, for the bot's own tables. Do not commit it."""
        return self._session.db

    @property
    def now(self) -> datetime:
        return self._session.now

    # Messages and cards

    async def post(
        self,
        channel_id: int | None = None,
        text: str = "",
        *,
        card: CardLike | None = None,
        thread_root_id: int | None = None,
        group: str | None = None,
    ) -> MessageOut:
        """Post in `channel_id` (default: where the handler was invoked). A card (a `Card` or
        a dict) is validated against docs/cards.md; `text` defaults to the card's fallback.
        `group` links the card to this bot's other cards of one request (`update_group`)."""
        return await self._session.post(
            channel_id if channel_id is not None else self._require_channel(),
            text,
            card=card_document(card),
            thread_root_id=thread_root_id,
            group=group,
        )

    async def post_direct(
        self,
        person_id: int,
        text: str = "",
        *,
        card: CardLike | None = None,
        thread_root_id: int | None = None,
        group: str | None = None,
    ) -> MessageOut:
        """Post in the direct conversation between this bot and `person_id` (started if
        needed); `thread_root_id` (a message in that conversation) replies in its thread.
        `group` links the card to this bot's other cards of one request (`update_group`)."""
        return await self._session.post_direct(
            person_id,
            text,
            card=card_document(card),
            thread_root_id=thread_root_id,
            group=group,
        )

    async def update(
        self, message_id: int, *, card: CardLike | None = None, text: str | None = None
    ) -> MessageOut:
        """Change one of this bot's messages: a new card (its version goes up) and/or text."""
        return await self._session.update(message_id, card=card_document(card), text=text)

    async def group_cards(self, group: str) -> list[GroupCard]:
        """This bot's live cards posted with `group=...` (another bot's same key is its own),
        oldest first, each with its current card and its recipient."""
        return await self._session.group_cards(group)

    async def update_group(self, group: str, render: RenderGroupCard) -> list[MessageOut]:
        """Re-render every card of the group: `await render(card)` for each (a `GroupCard`:
        render per recipient, in their language) gives its new card, or None to leave it.
        All in this handler's transaction: if one render raises, no card changes. Each
        changed card is a new version (`card.updated`); returns the changed messages."""
        changed = []
        for each in await self.group_cards(group):
            new = await render(each)
            if new is not None:
                changed.append(await self.update(each.message_id, card=new))
        return changed

    async def delete(self, message_id: int) -> None:
        """Delete one of this bot's messages."""
        await self._session.delete(message_id)

    async def card_actions(self, message_id: int) -> list[CardActionInfo]:
        """Every action taken on one of this bot's cards, oldest first: who, what, when, values."""
        return await self._session.card_actions(message_id)

    async def reply_private(
        self,
        text: Text,
        *,
        card: CardLike | None = None,
        person_id: int | None = None,
    ) -> None:
        """An ephemeral reply that only `person_id` (default: who acted) sees; never stored.
        `text` may be a map of languages: it is sent in the recipient's."""
        target = person_id if person_id is not None else self._require_person().id
        await self._session.reply_private(
            target, text, card=card_document(card), channel_id=self.channel_id
        )

    async def open_form(
        self,
        card: CardLike,
        *,
        handler: str,
        state: dict[str, Any] | None = None,
        person_id: int | None = None,
    ) -> str:
        """Show `card` as a dialog to `person_id` (default: who acted). Its submission goes to
        `@bot.form(handler)` with `state` handed back. Returns the form id."""
        target = person_id if person_id is not None else self._require_person().id
        return await self._session.open_form(
            card_document(card),
            handler=handler,
            state=state or {},
            person_id=target,
            channel_id=self.channel_id,
        )

    # People and the org chart

    async def get_person(self, person_id: int) -> PersonInfo | None:
        return await self._session.directory.person(person_id)

    async def find_person(self, username: str) -> PersonInfo | None:
        return await self._session.directory.person_by_username(username)

    async def get_department(self, department_id: int) -> DepartmentInfo | None:
        return await self._session.directory.department(department_id)

    async def get_file(self, file_id: str) -> FileInfo | None:
        """A file's name, type and size (the ids come in `values` of a `file` input); None for
        a file this bot was not given (docs/bots.md, "Files")."""
        return await self._session.get_file(file_id)

    async def department_head(self, department_id: int) -> PersonInfo | None:
        """The head of the department, or of the nearest parent department that has one."""
        return await self._session.directory.department_head(department_id)

    async def managers(self, person_id: int, *, levels: int = 10) -> list[PersonInfo]:
        """The person's manager, that manager's manager, and so on (up to `levels`)."""
        return await self._session.directory.managers(person_id, levels=levels)

    async def manager(self, person_id: int, *, levels_up: int = 1) -> PersonInfo | None:
        """The manager `levels_up` levels above the person (1: their manager, 2: that
        manager's manager); None where the chain ends sooner."""
        if levels_up < 1:
            raise ValueError("levels_up counts from 1 (the person's own manager).")
        chain = await self._session.directory.managers(person_id, levels=levels_up)
        return chain[levels_up - 1] if len(chain) >= levels_up else None

    async def role_members(
        self, role: str, *, department_id: int | None = None
    ) -> list[PersonInfo]:
        """Active staff holding `role` (for example "finance" or "hr"). With `department_id`,
        those who hold it for that department: scoped to it or to the nearest department above
        it with any ("the HRBP of R&D"), else the company-wide holders (docs/bots.md)."""
        return await self._session.directory.role_members(role, department_id)

    async def delegate_for(self, person_id: int) -> PersonInfo | None:
        """Who acts for the person while they are out of office (now, on ctx.now's clock), or
        None. The hub already lets that delegate take the person's actions on cards."""
        return await self._session.delegate_for(person_id)

    # Files

    async def share_files(
        self,
        file_ids: Iterable[str],
        *,
        channel: int | None = None,
        people: Iterable[int | PersonInfo] | None = None,
    ) -> None:
        """Let others read files people sent this bot (the ids of a `file` input): whoever can
        read `channel` (one this bot may post in), or exactly `people` (ids or PersonInfo;
        never guests, who read only in their channels). Give exactly one of the two. Kept with
        the handler's other writes; a file this bot was not given is refused."""
        ids = [file_ids] if isinstance(file_ids, str) else list(file_ids)
        person_ids = (
            None if people is None else [p.id if isinstance(p, PersonInfo) else p for p in people]
        )
        await self._session.share_files(ids, channel_id=channel, person_ids=person_ids)

    # Events out

    async def emit(self, event_type: str, data: dict[str, Any]) -> int:
        """Send `event_type` (declared in the manifest's [events]) with `data` to the outgoing
        webhooks subscribed to it, signed. Queued in this handler's transaction: sent after
        it commits, never if it fails. Returns how many webhooks it was queued for."""
        return await self._session.emit(event_type, data)

    # Timers

    async def schedule(
        self,
        handler: str,
        *,
        at: datetime | None = None,
        after: timedelta | None = None,
        cron: str | None = None,
        time_zone: str = "Asia/Shanghai",
        key: str | None = None,
        payload: dict[str, Any] | None = None,
    ) -> int:
        """Run `@bot.timer(handler)` at a time, after a delay, or on a cron schedule
        ("0 9 * * 1-5" in `time_zone`). A `key` makes it replaceable and cancellable."""
        return await self._session.schedule(
            handler,
            at=at,
            after=after,
            cron=cron,
            time_zone=time_zone,
            key=key,
            payload=payload or {},
        )

    async def cancel(self, key: str) -> bool:
        """Cancel this bot's pending timer with `key`; False if there was none."""
        return await self._session.cancel(key)

    async def timers(self, *, key_prefix: str | None = None) -> list[TimerInfo]:
        """This bot's timers still to fire, soonest first; `key_prefix` narrows them
        ("remind-42-" for one request's reminders)."""
        return await self._session.timers(key_prefix=key_prefix)

    # Working days (the official Chinese calendar by default; docs/bots.md)

    def is_workday(self, day: date | datetime) -> bool:
        """Whether `day` is a working day: 调休 Saturdays are, public holidays are not."""
        return self._session.calendar.is_workday(day)

    def workdays(self, start: date | datetime, end: date | datetime) -> int:
        """Working days in [start, end): how long a request has waited, in working days."""
        return self._session.calendar.workdays(start, end)

    def add_workdays(self, start: Day, n: int) -> Day:
        """`n` working days after `start`, at the same time of day (escalate after 3)."""
        return self._session.calendar.add_workdays(start, n)

    # Time

    def local_time(self, moment: datetime, person: PersonInfo | None = None) -> datetime:
        """`moment` in the time zone of `person` (default: who acted; else Asia/Shanghai)."""
        who = person or self.person
        return moment.astimezone(ZoneInfo(who.time_zone if who else "Asia/Shanghai"))

    def _require_person(self) -> PersonInfo:
        if self.person is None:
            raise RuntimeError("No one acted in this handler (a timer?); pass person_id=... .")
        return self.person

    def _require_channel(self) -> int:
        if self.channel_id is None:
            raise RuntimeError("This handler has no channel (a timer?); pass channel_id=... .")
        return self.channel_id


@dataclass
class CommandContext(Context):
    """`/command args`: `text` is everything after the name; `args` splits it like a shell
    (quotes group words; Chinese quotes work too)."""

    command: str = ""
    text: str = ""
    args: list[str] = field(default_factory=list)
    thread_root_id: int | None = None


@dataclass
class ActionContext(Context):
    """A click on a card button. Return the card's new content (or None to keep it)."""

    message: MessageOut | None = None
    action_id: str = ""
    action: dict[str, Any] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    # Set when `person` clicked as the delegate of someone out of office: the person the
    # action was allowed to, for whom it counts (docs/bots.md, "Out of office").
    on_behalf_of: PersonInfo | None = None

    @property
    def card(self) -> dict[str, Any]:
        assert self.message is not None and self.message.card is not None
        return self.message.card


@dataclass
class FormContext(Context):
    """A submitted form: `values` are checked against the form's inputs; `state` is yours."""

    form_id: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)


@dataclass
class EventContext(Context):
    """An event (`@bot.on`): `person` is who did it; for "message" the message (never one of a
    bot's own), for reactions the message reacted to; `data` is the event as published
    (emoji, reason, person_id... see docs/protocol.md)."""

    event: str = ""
    message: MessageOut | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class ShortcutContext(Context):
    """A person chose this bot's entry in a message's menu: `message` is that message."""

    shortcut: str = ""
    message: MessageOut | None = None


@dataclass
class TimerContext(Context):
    """A timer that came due. `late` is true when it fired well after its time (the hub was down)."""

    timer_id: int = 0
    key: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    due_at: datetime | None = None
    late: bool = False


@dataclass(frozen=True)
class AppRequest:
    """The HTTP request an app route answers: `params` from its path, `query` from the URL,
    `json` the body (an instance of the route's `body` model when it names one)."""

    method: str
    path: str
    params: dict[str, Any] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    json: Any = None


@dataclass
class AppContext(Context):
    """A call to one of this bot's app routes (`@bot.route`): `person` is the signed-in
    caller. Return JSON-able data; raise BotError to answer 400 in the caller's language."""

    request: AppRequest = field(default_factory=lambda: AppRequest("GET", "/"))
    _readable: Callable[[list[int]], Awaitable[set[int]]] | None = None

    async def readable_channels(self, channel_ids: Iterable[int]) -> set[int]:
        """Those of `channel_ids` the caller may read: show them nothing from the others."""
        assert self._readable is not None
        return await self._readable(list(channel_ids))
