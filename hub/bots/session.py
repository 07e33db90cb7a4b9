"""One handler call's transaction: what a bot's context does, applied on one connection.

Writes go through the same operations the writer runs (SendMessage, EditMessage,
UpdateCard...), applied here on the handler's own transaction so that everything the
handler did commits together or not at all. Events are published, and private replies
and forms sent, only after the commit (hub.bots.runtime).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel.ext.asyncio.session import AsyncSession

from hub import permissions
from hub.actions.cards import UpdateCard, card_history
from hub.actions.channels import CreateChannel, direct_key
from hub.actions.messages import DeleteMessage, EditMessage, SendMessage, check_text
from hub.botkit.bot import Text, localized
from hub.botkit.context import (
    BotError,
    CardActionInfo,
    FileInfo,
    GroupCard,
    PersonInfo,
    TimerInfo,
)
from hub.bots.directory import Directory
from hub.card_groups import add_to_group, check_group_key, group_rows
from hub.cards import validate_card
from hub.cards.text import DEFAULT_LOCALE
from hub.delegation import active_delegate
from hub.errors import ErrorCode, HubError, message_not_found
from hub.files.share import share_with_channel, share_with_people
from hub.models import Person, bot_form_table, channel_table, message_table, utcnow
from hub.timers import cancel_timer, pending_timers, schedule_timer
from hub.wire.server import Ephemeral, FormOpen, LoggedEvent, MessageOut
from hub.writer import Outcome

if TYPE_CHECKING:
    from hub.bots.services import BotServices

AfterCommit = Callable[[], Awaitable[None]]


class BotSession:
    def __init__(
        self,
        services: BotServices,
        *,
        bot_name: str,
        bot_person: Person,
        conn: AsyncConnection,
        invoker_id: int | None,
        channel_id: int | None,
        ref: str | None = None,
        emits: frozenset[str] = frozenset(),
    ) -> None:
        self.services = services
        self.emits = emits  # the event types the bot declares (manifest [events])
        self.bot_name = bot_name
        self.bot_person = bot_person
        self.conn = conn
        self.db = AsyncSession(bind=conn, expire_on_commit=False)
        self.directory = Directory(conn)
        self.calendar = services.calendar
        self.invoker_id = invoker_id
        self.channel_id = channel_id
        self.ref = ref
        self.now = services.clock()
        self.events: list[LoggedEvent] = []
        self.after_commit: list[AfterCommit] = []
        self.inbox_changed: set[int] = set()  # people told after the commit (hub.inbox)
        self.timers_due: list[datetime] = []
        self.replies: list[Ephemeral] = []
        self.forms: list[FormOpen] = []
        self.posted: list[MessageOut] = []

    @property
    def bot_person_id(self) -> int:
        assert self.bot_person.id is not None
        return self.bot_person.id

    def keep(self, outcome: Outcome[Any]) -> Any:
        if outcome.error is not None:
            raise outcome.error
        self.events.extend(outcome.events)
        self.inbox_changed |= outcome.inbox_changed
        return outcome.value

    # Messages and cards

    async def post(
        self,
        channel_id: int,
        text: str,
        *,
        card: dict[str, Any] | None = None,
        thread_root_id: int | None = None,
        group: str | None = None,
    ) -> MessageOut:
        if group is not None:
            check_group_key(group)
            if card is None:
                raise ValueError("group= links cards: post a card with it (card=...).")
        checked_card = validate_card(card) if card is not None else None
        if not text and checked_card is not None:
            text = str(checked_card.get("fallback", ""))
        check_text(text, self.services.settings.max_message_chars)
        # Where the person who invoked the bot may post, the bot may answer without being a
        # member (a slash command in any channel); elsewhere it must have been added.
        on_behalf = self.invoker_id if channel_id == self.channel_id else None
        op = SendMessage(
            channel_id=channel_id,
            sender=self.bot_person,
            text=text,
            client_msg_id=f"bot-{uuid.uuid4().hex}",
            thread_root_id=thread_root_id,
            card=checked_card,
            on_behalf_of=on_behalf,
        )
        sent = self.keep((await SendMessage.apply_batch(self.conn, [op]))[0])
        self.posted.append(sent.message)
        message: MessageOut = sent.message
        if group is not None:
            await add_to_group(self.conn, message.id, bot_id=self.bot_person_id, group=group)
        return message

    async def post_direct(
        self,
        person_id: int,
        text: str,
        *,
        card: dict[str, Any] | None = None,
        thread_root_id: int | None = None,
        group: str | None = None,
    ) -> MessageOut:
        person = await self.db.get(Person, person_id)
        if person is None or not person.active:
            raise BotError(f"No active person {person_id} to message.")
        key = direct_key([self.bot_person_id, person_id])
        found = (
            await self.conn.execute(
                sa.select(channel_table.c.id).where(channel_table.c.direct_key == key)
            )
        ).scalar_one_or_none()
        if found is None:
            channel = self.keep(
                await CreateChannel(
                    kind="direct", creator=self.bot_person, members=[person], direct_key=key
                ).apply(self.conn)
            )
            found = channel.id
        return await self.post(found, text, card=card, thread_root_id=thread_root_id, group=group)

    async def _own_message(self, message_id: int) -> Any:
        row = (
            await self.conn.execute(
                sa.select(message_table.c.sender_id, message_table.c.card).where(
                    message_table.c.id == message_id
                )
            )
        ).first()
        if row is None:
            raise message_not_found(message_id)
        if row.sender_id != self.bot_person_id:
            raise HubError(
                ErrorCode.forbidden, f"Message {message_id} is not this bot's; it cannot change it."
            )
        return row

    async def update(
        self, message_id: int, *, card: dict[str, Any] | None, text: str | None
    ) -> MessageOut:
        row = await self._own_message(message_id)
        if card is not None:
            checked = validate_card(card)
            if text is not None:
                check_text(text, self.services.settings.max_message_chars, allow_empty=True)
            message: MessageOut = self.keep(
                await UpdateCard(
                    message_id,
                    checked,
                    text=text if text is not None else str(checked.get("fallback", "")),
                    by_id=self.bot_person_id,
                ).apply(self.conn)
            )
            return message
        if text is None:
            raise BotError("update() needs a new card, new text, or both.")
        if row.card is not None:
            raise BotError("This message has a card: pass card=... (its text is the fallback).")
        check_text(text, self.services.settings.max_message_chars)
        edited: MessageOut = self.keep(
            await EditMessage(message_id, self.bot_person_id, text).apply(self.conn)
        )
        return edited

    async def delete(self, message_id: int) -> None:
        await self._own_message(message_id)
        self.keep(await DeleteMessage(message_id, deleter=self.bot_person).apply(self.conn))

    async def group_cards(self, group: str) -> list[GroupCard]:
        rows = await group_rows(self.conn, bot_id=self.bot_person_id, group=check_group_key(group))
        cards = []
        for row in rows:
            if row.card is None:
                continue
            recipient = None
            if row.recipient_id is not None:
                recipient = await self.directory.person(row.recipient_id)
            cards.append(
                GroupCard(
                    message_id=row.id,
                    channel_id=row.channel_id,
                    card=dict(row.card),
                    card_version=row.card_version,
                    recipient=recipient,
                )
            )
        return cards

    async def card_actions(self, message_id: int) -> list[CardActionInfo]:
        await self._own_message(message_id)
        return [
            CardActionInfo(
                version=record.version,
                action_id=record.action_id,
                person_id=record.person_id,
                values=record.values,
                at=record.at,
                on_behalf_of=record.on_behalf_of,
            )
            for record in await card_history(self.conn, message_id)
        ]

    async def reply_private(
        self,
        person_id: int,
        text: Text,
        *,
        card: dict[str, Any] | None,
        channel_id: int | None,
    ) -> None:
        # Never stored, for one person: the text and the card's fallback in their language.
        locale = await self._locale_of(person_id)
        checked = validate_card(card, locale) if card is not None else None
        frame = Ephemeral(
            id=uuid.uuid4().hex,
            bot_id=self.bot_person_id,
            channel_id=channel_id,
            text=localized(text, locale) or (str(checked["fallback"]) if checked else ""),
            card=checked,
            ref=self.ref if person_id == self.invoker_id else None,
        )
        if person_id == self.invoker_id:
            self.replies.append(frame)
        self.after_commit.append(lambda: self.services.send_to_person(person_id, frame.encode()))

    async def _locale_of(self, person_id: int) -> str:
        person = await self.db.get(Person, person_id)
        return person.locale if person is not None else DEFAULT_LOCALE

    async def open_form(
        self,
        card: dict[str, Any],
        *,
        handler: str,
        state: dict[str, Any],
        person_id: int,
        channel_id: int | None,
    ) -> str:
        checked = validate_card(card)
        form_id = f"form_{uuid.uuid4().hex}"
        await self.conn.execute(
            sa.insert(bot_form_table).values(
                id=form_id,
                bot=self.bot_name,
                handler=handler,
                person_id=person_id,
                channel_id=channel_id,
                card=checked,
                state=state,
                created_at=utcnow(),
            )
        )
        frame = FormOpen(
            form_id=form_id,
            bot_id=self.bot_person_id,
            channel_id=channel_id,
            card=checked,
            ref=self.ref if person_id == self.invoker_id else None,
        )
        if person_id == self.invoker_id:
            self.forms.append(frame)
        self.after_commit.append(lambda: self.services.send_to_person(person_id, frame.encode()))
        return form_id

    # Out of office

    async def delegate_for(self, person_id: int) -> PersonInfo | None:
        delegate_id = await active_delegate(self.conn, person_id, self.now)
        return await self.directory.person(delegate_id) if delegate_id is not None else None

    # Files

    async def get_file(self, file_id: str) -> FileInfo | None:
        try:
            await permissions.check_read_upload(self.db, self.bot_person, file_id)
        except HubError:
            return None  # not this bot's to see: as if there were no such file
        return await self.directory.upload(file_id)

    async def share_files(
        self, file_ids: list[str], *, channel_id: int | None, person_ids: list[int] | None
    ) -> None:
        if (channel_id is None) == (person_ids is None):
            raise BotError("share_files() takes `channel` or `people`: exactly one of them.")
        if person_ids is not None:
            await share_with_people(self.conn, self.bot_person, file_ids, person_ids)
            return
        assert channel_id is not None
        # As for post(): in the channel it was invoked from, the bot shares where the
        # person who invoked it may post.
        on_behalf = self.invoker_id if channel_id == self.channel_id else None
        await share_with_channel(
            self.conn, self.bot_person, file_ids, channel_id, on_behalf_of=on_behalf
        )

    # Events out

    async def emit(self, event_type: str, data: dict[str, Any]) -> int:
        if event_type not in self.emits:
            names = ", ".join(sorted(self.emits)) or "none yet"
            raise RuntimeError(
                f"Bot {self.bot_name!r} emits {event_type!r} without declaring it: add"
                f' [events."{event_type}"] to its manifest (declared: {names}).'
            )
        try:
            data = orjson.loads(orjson.dumps(data))
        except TypeError as error:
            raise RuntimeError(
                f"The data of {event_type!r} must be JSON (dicts, lists, text, numbers): {error}."
            ) from None
        return len(await self.services.queue_bot_event(self.conn, self.bot_name, event_type, data))

    # Timers

    async def schedule(
        self,
        handler: str,
        *,
        at: datetime | None,
        after: timedelta | None,
        cron: str | None,
        time_zone: str,
        key: str | None,
        payload: dict[str, Any],
    ) -> int:
        if after is not None:
            if at is not None:
                raise BotError("schedule() takes `at` or `after`, not both.")
            at = self.now + after
        timer_id = await schedule_timer(
            self.conn,
            bot=self.bot_name,
            handler=handler,
            at=at,
            cron=cron,
            time_zone=time_zone,
            key=key,
            payload=payload,
            now=self.now,
        )
        if at is not None:
            # The runtime wakes the scheduler for it after the commit (so the sweep can see
            # it): a timer due before the next poll still fires on time.
            self.timers_due.append(at)
        return timer_id

    async def cancel(self, key: str) -> bool:
        return await cancel_timer(self.conn, bot=self.bot_name, key=key)

    async def timers(self, *, key_prefix: str | None) -> list[TimerInfo]:
        return [
            TimerInfo(
                id=row.id,
                handler=row.handler,
                key=row.key,
                due_at=row.due_at,
                cron=row.cron,
                time_zone=row.time_zone,
                payload=dict(row.payload or {}),
            )
            for row in await pending_timers(self.conn, bot=self.bot_name, key_prefix=key_prefix)
        ]
