"""The bot runtime: runs bot handlers for commands, card actions, forms, events and timers.

Every handler call is one transaction with a time limit (hub.bots.session); the runtime
checks who may do what before a handler runs (hub.permissions, hub.cards), publishes
what the handler did after the commit, and turns a failure into a clear error for the
person while logging the traceback for the admin. See docs/bots.md.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import sqlalchemy as sa

from hub import metrics, permissions
from hub.actions.cards import (
    UpdateCard,
    action_taken_at,
    card_stale,
    claim_card_version,
    load_message,
    record_card_action,
    write_card,
)
from hub.botkit.bot import AppRoute, localized
from hub.botkit.cards import card_document
from hub.botkit.context import (
    ActionContext,
    AppContext,
    AppRequest,
    CommandContext,
    EventContext,
    FormContext,
    ShortcutContext,
    TimerContext,
)
from hub.bots.apps import encode_app_result
from hub.bots.commands import (
    CommandInfo,
    ShortcutInfo,
    command_infos,
    help_text,
    parse_command,
    unknown_command,
)
from hub.bots.directory import person_info
from hub.bots.heard import CHANNEL_EVENTS, Heard, heard_events
from hub.bots.invoke import Stale, run_handler, run_without_bot
from hub.bots.registry import LoadedBot
from hub.bots.services import BotServices
from hub.bots.session import BotSession
from hub.cards import check_values, find_action, validate_card
from hub.errors import ErrorCode, HubError, message_not_found
from hub.files.attach import attach_uploads
from hub.inbox import notify_inbox
from hub.models import Person, bot_form_table, channel_table, membership_table, utcnow
from hub.tasks import TaskSet
from hub.timers import DueTimer, TimerService
from hub.wire.server import Ephemeral, FormOpen, LoggedEvent, MessageOut

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class DeclaredEvent:
    type: str
    bot: str
    description: dict[str, str]
    example: dict[str, Any]


@dataclass
class BotOutcome:
    """What a command, action or form submission produced, for the HTTP caller."""

    replies: list[Ephemeral] = field(default_factory=list)
    forms: list[FormOpen] = field(default_factory=list)
    messages: list[MessageOut] = field(default_factory=list)
    message: MessageOut | None = None  # the card acted on, as it is now
    duplicate: bool = False


class BotRuntime:
    def __init__(self, services: BotServices, bots: list[LoadedBot]) -> None:
        self.services = services
        self.bots = bots
        self._by_name = {loaded.bot.name: loaded for loaded in bots}
        self._by_person = {loaded.person_id: loaded for loaded in bots}
        self._commands = {name: loaded for loaded in bots for name in loaded.bot.commands}
        # Decided once: with no bot listening for messages, publishing costs nothing extra.
        self._listened = {name for loaded in bots for name in loaded.bot.events}
        self._tasks = TaskSet("bot events")
        settings = services.settings
        self.timers = TimerService(
            services.engine,
            self.fire_timer,
            process_id=services.process_id,
            poll_seconds=settings.timer_poll_seconds,
            late_after_seconds=settings.timer_late_after_seconds,
            lease_seconds=settings.timer_lease_seconds,
            clock=services.clock,
        )

    def commands(self, locale: str = "en") -> list[CommandInfo]:
        return command_infos(self.bots, locale)

    def declared_events(self) -> list[DeclaredEvent]:
        """The webhook events the enabled bots emit (their manifests' [events])."""
        return [
            DeclaredEvent(
                type=event.name,
                bot=loaded.bot.name,
                description={
                    "en": localized(event.description, "en"),
                    "zh-CN": localized(event.description, "zh-CN"),
                },
                example=event.example,
            )
            for loaded in self.bots
            for event in loaded.bot.emits.values()
        ]

    # Committed events, whoever wrote them (a subscriber of the event bus)

    async def on_committed(self, events: list[LoggedEvent]) -> None:
        if self._listened:
            self._tasks.spawn(self._notice(events))

    async def start(self) -> None:
        await self.timers.start()

    async def stop(self) -> None:
        """Stop firing timers, then let running event handlers finish (within their limit)."""
        await self.timers.stop()
        await self._tasks.wait(self.services.settings.bot_handler_timeout_seconds + 1)

    # Slash commands

    async def run_command(
        self,
        person: Person,
        channel_id: int,
        text: str,
        *,
        thread_root_id: int | None = None,
        ref: str | None = None,
    ) -> BotOutcome:
        parsed = parse_command(text)
        # Commands, clicks and form submissions share the sender's rate with messages: each
        # may run a bot handler and a transaction.
        await self.services.send_limiter.check(person.id or 0)
        async with self.services.sessions() as session:
            await permissions.check_post(session, person, channel_id)
        if parsed.name == "help":
            reply = Ephemeral(
                id=uuid.uuid4().hex,
                bot_id=0,
                channel_id=channel_id,
                text=help_text(self.commands(person.locale), person.locale),
                ref=ref,
            )
            await self.services.send_to_person(person.id or 0, reply.encode())
            return BotOutcome(replies=[reply])
        loaded = self._commands.get(parsed.name)
        if loaded is None:
            known = [info.name for info in self.commands()]
            raise unknown_command(parsed.name, known, person.locale)
        command = loaded.bot.commands[parsed.name]

        async def body(session: BotSession) -> None:
            await permissions.check_active_in(session.conn, person.id or 0)
            ctx = CommandContext(
                session,
                person=person_info(person),
                channel_id=channel_id,
                settings=loaded.settings,
                command=parsed.name,
                text=parsed.text,
                args=parsed.args,
                thread_root_id=thread_root_id,
            )
            await command.handler(ctx)

        _, done = await self._invoke(
            loaded, body, what=f"/{parsed.name}", invoker=person, channel_id=channel_id, ref=ref
        )
        return BotOutcome(replies=done.replies, forms=done.forms, messages=done.posted)

    # Card actions

    async def take_action(
        self,
        person: Person,
        message_id: int,
        version: int,
        action_id: str,
        values: object,
        *,
        ref: str | None = None,
    ) -> BotOutcome:
        await self.services.send_limiter.check(person.id or 0)
        now = self.services.clock()
        async with self.services.sessions() as session:
            # Readable by the person, or by them as the delegate of someone it waits for.
            message, channel, reading_for = await permissions.check_read_card(
                session, person, message_id, now
            )
            card = message.card if message.deleted_at is None else None
            action = find_action(card, action_id) if card is not None else None
            current = card is not None and version == message.card_version
            acting_for = (
                await permissions.check_may_act(
                    session, person, message, channel, action, reading_for, now
                )
                if current and action is not None
                else None
            )
        if card is None:
            raise HubError(ErrorCode.not_found, f"Message {message_id} has no card to act on.")
        if not current:
            # Checked first: the current card may no longer offer the action at all.
            return await self._stale_or_duplicate(person, message_id, version, action_id)
        if action is None:
            raise HubError(
                ErrorCode.unknown_action, f"This card has no action `{action_id}`; refresh it."
            )
        on_behalf_of = acting_for.id if acting_for is not None else None
        cleaned = check_values(card, values if values is not None else {}, action)
        loaded = self._by_person.get(message.sender_id)
        handler = loaded.bot.action_handler(action_id) if loaded else None
        if loaded is not None and handler is None:
            log.warning(
                "no handler for action %r on a card of bot %r: write @bot.action(%r)",
                action_id,
                loaded.bot.name,
                action_id,
            )
            raise HubError(
                ErrorCode.unknown_action,
                f"The {loaded.bot.name} bot does not handle `{action_id}`; nothing was done.",
            )

        async def body(session: BotSession) -> MessageOut:
            await permissions.check_active_in(session.conn, person.id or 0)
            if not await claim_card_version(session.conn, message_id, version):
                raise Stale()
            await record_card_action(
                session.conn,
                message_id=message_id,
                version=version,
                person_id=person.id or 0,
                action_id=action_id,
                values=cleaned,
                on_behalf_of=on_behalf_of,
            )
            before = await load_message(session.conn, message_id)
            assert before is not None and before.card is not None
            await attach_uploads(
                session.conn,
                person_id=person.id or 0,
                card=before.card,
                values=cleaned,
                bot_id=before.sender_id,  # the card's bot, and no one else (hub.files.attach)
            )
            new_card: dict[str, Any] | None = None
            if handler is not None and loaded is not None:
                ctx = ActionContext(
                    session,
                    person=person_info(person),
                    channel_id=before.channel_id,
                    settings=loaded.settings,
                    message=before,
                    action_id=action_id,
                    action=action,
                    values=cleaned,
                    on_behalf_of=person_info(acting_for) if acting_for is not None else None,
                )
                returned = await handler(ctx)
                # A handler may return a builder (hub.botkit.Card) as well as a dict.
                new_card = validate_card(card_document(returned)) if returned is not None else None
            after = await self._settle_card(
                session, before, version, new_card, by_id=person.id, action_id=action_id
            )
            payload = _card_action_payload(person, before, action_id, cleaned, acting_for)
            await self.services.queue_card_action(session.conn, message.sender_id, payload)
            return after

        try:
            if loaded is not None:
                after, done = await self._invoke(
                    loaded,
                    body,
                    what=f"action {action_id}",
                    invoker=person,
                    channel_id=channel.id,
                    ref=ref,
                )
            else:
                after, done = await self._run_without_bot(body, person, channel.id, ref)
        except Stale:
            return await self._stale_or_duplicate(person, message_id, version, action_id)
        metrics.card_actions.labels(outcome="taken").inc()
        return BotOutcome(
            replies=done.replies, forms=done.forms, messages=done.posted, message=after
        )

    async def _settle_card(
        self,
        session: BotSession,
        before: MessageOut,
        version: int,
        new_card: dict[str, Any] | None,
        *,
        by_id: int | None,
        action_id: str,
    ) -> MessageOut:
        """Write the card the action leaves: the handler's returned card, else the card as it
        was. A handler that changed the card itself (`ctx.update`) already moved it past the
        version this action claimed: its change stands, and only a returned card is written
        after it, as one more version."""
        current = await load_message(session.conn, before.id)
        assert current is not None and current.card is not None
        if current.card_version > version + 1:
            if new_card is None:
                return current
            written: MessageOut = session.keep(
                await UpdateCard(
                    before.id, new_card, text=str(new_card["fallback"]), by_id=before.sender_id
                ).apply(session.conn)
            )
            return written
        card = new_card if new_card is not None else current.card
        text = str(new_card["fallback"]) if new_card is not None else None
        after, events = await write_card(
            session.conn,
            before.id,
            card,
            text=text,
            by_id=by_id,
            action_id=action_id,
            inbox_changed=session.inbox_changed,
        )
        session.events.extend(events)
        return after

    async def _stale_or_duplicate(
        self, person: Person, message_id: int, version: int, action_id: str
    ) -> BotOutcome:
        async with self.services.engine.connect() as conn:
            taken = await action_taken_at(conn, message_id, version)
            current = await load_message(conn, message_id)
        if current is None:
            raise message_not_found(message_id)
        if taken == (person.id, action_id):
            # The same person's same click, arriving twice: one action, answered twice.
            metrics.card_actions.labels(outcome="duplicate").inc()
            return BotOutcome(message=current, duplicate=True)
        metrics.card_actions.labels(outcome="stale").inc()
        raise card_stale(current)

    # Message shortcuts

    def shortcuts(self, locale: str = "en") -> list[ShortcutInfo]:
        return [
            ShortcutInfo(bot=loaded.bot.name, name=s.name, label=localized(s.label, locale))
            for loaded in self.bots
            for s in loaded.bot.shortcuts.values()
        ]

    async def run_shortcut(
        self, person: Person, message_id: int, bot_name: str, name: str
    ) -> BotOutcome:
        await self.services.send_limiter.check(person.id or 0)
        async with self.services.sessions() as session:
            message, channel = await permissions.check_read_message(session, person, message_id)
        loaded = self._by_name.get(bot_name)
        shortcut = loaded.bot.shortcuts.get(name) if loaded else None
        if loaded is None or shortcut is None:
            raise HubError(
                ErrorCode.unknown_action,
                f"There is no shortcut `{name}` of a bot `{bot_name}`; GET /api/v1/shortcuts lists them.",
            )
        if message.deleted_at is not None:
            raise message_not_found(message_id)
        seen = await self._message_out(message_id)

        async def body(session: BotSession) -> None:
            await permissions.check_active_in(session.conn, person.id or 0)
            ctx = ShortcutContext(
                session,
                person=person_info(person),
                channel_id=channel.id,
                settings=loaded.settings,
                shortcut=name,
                message=seen,
            )
            await shortcut.handler(ctx)

        _, done = await self._invoke(
            loaded, body, what=f"shortcut {name}", invoker=person, channel_id=channel.id
        )
        return BotOutcome(replies=done.replies, forms=done.forms, messages=done.posted)

    async def _message_out(self, message_id: int) -> MessageOut:
        async with self.services.engine.connect() as conn:
            found = await load_message(conn, message_id)
        if found is None:
            raise message_not_found(message_id)
        return found

    # Forms

    async def submit_form(
        self, person: Person, form_id: str, values: object, *, ref: str | None = None
    ) -> BotOutcome:
        await self.services.send_limiter.check(person.id or 0)
        async with self.services.engine.connect() as conn:
            form = (
                await conn.execute(sa.select(bot_form_table).where(bot_form_table.c.id == form_id))
            ).first()
        if form is None or form.person_id != person.id:
            raise HubError(ErrorCode.not_found, f"No form {form_id} open for you.")
        if form.submitted_at is not None:
            raise HubError(ErrorCode.conflict, "This form was already submitted.")
        loaded = self._by_name.get(form.bot)
        handler = loaded.bot.forms.get(form.handler) if loaded else None
        if loaded is None or handler is None:
            log.warning(
                "no form handler %r in bot %r: write @bot.form(%r)",
                form.handler,
                form.bot,
                form.handler,
            )
            raise HubError(
                ErrorCode.unknown_action, f"The {form.bot} bot cannot take this form any more."
            )
        cleaned = check_values(form.card, values if values is not None else {})

        async def body(session: BotSession) -> None:
            await permissions.check_active_in(session.conn, person.id or 0)
            claimed = await session.conn.execute(
                sa.update(bot_form_table)
                .where(bot_form_table.c.id == form_id, bot_form_table.c.submitted_at.is_(None))
                .values(submitted_at=utcnow())
            )
            if claimed.rowcount != 1:
                raise HubError(ErrorCode.conflict, "This form was already submitted.")
            await attach_uploads(
                session.conn,
                person_id=person.id or 0,
                card=form.card,
                values=cleaned,
                bot_id=loaded.person_id,  # the form's bot, and no one else (hub.files.attach)
            )
            ctx = FormContext(
                session,
                person=person_info(person),
                channel_id=form.channel_id,
                settings=loaded.settings,
                form_id=form_id,
                values=cleaned,
                state=dict(form.state or {}),
            )
            await handler(ctx)

        _, done = await self._invoke(
            loaded,
            body,
            what=f"form {form.handler}",
            invoker=person,
            channel_id=form.channel_id,
            ref=ref,
        )
        return BotOutcome(replies=done.replies, forms=done.forms, messages=done.posted)

    # App routes (docs/apps.md)

    def loaded(self, bot_name: str) -> LoadedBot | None:
        return self._by_name.get(bot_name)

    async def run_app_route(
        self, person: Person, bot_name: str, route: AppRoute, request: AppRequest
    ) -> bytes:
        """One call of a bot's app route: its JSON answer, encoded inside the transaction so
        an answer that is not JSON-able rolls the handler's work back."""
        loaded = self._by_name.get(bot_name)
        if loaded is None:
            raise HubError(ErrorCode.not_found, f"The {bot_name} bot is not enabled here.")
        permissions.check_may_use_app(person, bot_name, guests=route.guests)
        if route.method != "GET":
            # A change shares the caller's rate with messages and clicks, as bot_routes do.
            await self.services.send_limiter.check(person.id or 0)

        async def body(session: BotSession) -> bytes:
            await permissions.check_active_in(session.conn, person.id or 0)

            async def readable(channel_ids: list[int]) -> set[int]:
                rows = await session.conn.execute(
                    sa.select(channel_table.c.id).where(
                        channel_table.c.id.in_(channel_ids),
                        permissions.readable_channel_clause(person, channel_table.c.id),
                    )
                )
                return {row.id for row in rows}

            ctx = AppContext(
                session,
                person=person_info(person),
                channel_id=None,
                settings=loaded.settings,
                request=request,
                _readable=readable,
            )
            return encode_app_result(route, await route.handler(ctx))

        encoded, _ = await self._invoke(
            loaded, body, what=f"{route.method} {route.path}", invoker=person, channel_id=None
        )
        return encoded

    # Timers

    async def fire_timer(self, due: DueTimer) -> None:
        loaded = self._by_name.get(due.bot)
        if loaded is None:
            raise RuntimeError(f"timer {due.id} belongs to bot {due.bot!r}, which is not enabled")
        handler = loaded.bot.timers.get(due.handler)
        if handler is None:
            raise RuntimeError(
                f"bot {due.bot!r} has no timer handler {due.handler!r}: write @bot.timer({due.handler!r})"
            )

        async def body(session: BotSession) -> None:
            ctx = TimerContext(
                session,
                person=None,
                channel_id=None,
                settings=loaded.settings,
                timer_id=due.id,
                key=due.key,
                payload=dict(due.payload or {}),
                due_at=due.due_at,
                late=due.late,
            )
            await handler(ctx)
            if due.finish_in is not None:
                # The firing is recorded in the handler's transaction: both or neither.
                await due.finish_in(session.conn)

        await self._invoke(loaded, body, what=f"timer {due.handler}", invoker=None, channel_id=None)

    # Events

    async def _notice(self, events: list[LoggedEvent]) -> None:
        heard = [h for h in heard_events(events, set(self._by_person)) if h.name in self._listened]
        if not heard:
            return
        listeners = [loaded for loaded in self.bots if loaded.bot.events]
        channels = {h.channel_id for h in heard if h.channel_id is not None}
        async with self.services.engine.connect() as conn:
            rows = await conn.execute(
                sa.select(membership_table.c.channel_id, membership_table.c.person_id).where(
                    membership_table.c.channel_id.in_(channels),
                    membership_table.c.person_id.in_([loaded.person_id for loaded in listeners]),
                )
            )
            members = {(row.channel_id, row.person_id) for row in rows}
        for one in heard:
            for loaded in listeners:
                if not loaded.bot.events.get(one.name):
                    continue
                # A bot hears channel events where it is a member; a member who just left
                # is told of it too (the channel is theirs until now).
                if one.name in CHANNEL_EVENTS and (one.channel_id, loaded.person_id) not in members:
                    continue
                self._tasks.spawn(self._deliver(loaded, one))

    async def _deliver(self, loaded: LoadedBot, heard: Heard) -> None:
        async with self.services.sessions() as session:
            actor = await session.get(Person, heard.person_id) if heard.person_id else None
            message = None
            if heard.name == "message":
                message = MessageOut.model_validate(heard.data["message"])
            elif heard.name.startswith("reaction."):
                message = await load_message(await session.connection(), heard.data["message_id"])
        for handler in loaded.bot.events.get(heard.name, []):

            async def body(session: BotSession, handler: Any = handler) -> None:
                ctx = EventContext(
                    session,
                    person=person_info(actor) if actor else None,
                    channel_id=heard.channel_id,
                    settings=loaded.settings,
                    event=heard.name,
                    message=message,
                    data=heard.data,
                )
                await handler(ctx)

            try:
                await self._invoke(
                    loaded,
                    body,
                    what=f"{heard.name} event",
                    invoker=actor,
                    channel_id=heard.channel_id,
                )
            except HubError as error:
                log.warning("bot %s on %s: %s", loaded.bot.name, heard.name, error.message)

    # Running a handler

    async def _invoke(
        self,
        loaded: LoadedBot,
        body: Callable[[BotSession], Awaitable[T]],
        *,
        what: str,
        invoker: Person | None,
        channel_id: int | None,
        ref: str | None = None,
    ) -> tuple[T, BotSession]:
        result, session = await run_handler(
            self.services, loaded, body, what=what, invoker=invoker, channel_id=channel_id, ref=ref
        )
        await self._after_commit(session)
        return result, session

    async def _run_without_bot(
        self,
        body: Callable[[BotSession], Awaitable[T]],
        person: Person,
        channel_id: int | None,
        ref: str | None,
    ) -> tuple[T, BotSession]:
        """An action on an external bot's card: recorded here; the bot hears of it by webhook."""
        result, session = await run_without_bot(self.services, body, person, channel_id, ref)
        await self._after_commit(session)
        return result, session

    async def _after_commit(self, session: BotSession) -> None:
        # The same bus as the writer's: fan-out, bot listeners and webhooks all hear it.
        await self.services.bus.publish(session.events)
        for due in session.timers_due:
            self.timers.wake_at(due)
        for send in session.after_commit:
            await send()
        await notify_inbox(
            self.services.engine,
            session.inbox_changed,
            self.services.send_to_person,
            self.services.clock,
        )


def _card_action_payload(
    person: Person,
    card_message: MessageOut,
    action_id: str,
    values: dict[str, Any],
    acting_for: Person | None,
) -> dict[str, Any]:
    """The `card.action` webhook's data (docs/integrations.md)."""

    def brief(someone: Person) -> dict[str, Any]:
        return {
            "id": someone.id,
            "username": someone.username,
            "display_name": someone.display_name,
        }

    return {
        "message_id": card_message.id,
        "channel_id": card_message.channel_id,
        "card_version": card_message.card_version,
        "action_id": action_id,
        "values": values,
        "person": brief(person),
        # Set when `person` acted as the delegate of someone out of office (hub.delegation).
        "on_behalf_of": brief(acting_for) if acting_for is not None else None,
    }
