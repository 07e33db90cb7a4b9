"""What each client frame does. The actions and permission checks are the same ones HTTP uses."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from typing import Any

from hub import permissions
from hub.actions.channels import MarkRead
from hub.actions.messages import (
    ChangeReaction,
    DeleteMessage,
    EditMessage,
    SendMessage,
    SentMessage,
    check_client_msg_id,
    check_emoji,
    check_text,
)
from hub.errors import ErrorCode, HubError, channel_not_found
from hub.models import utcnow
from hub.realtime.connection import Connection
from hub.state import HubState
from hub.wire.client import (
    CardActionFrame,
    CommandFrame,
    Delete,
    Edit,
    FormSubmit,
    MarkReadFrame,
    Ping,
    React,
    Send,
    SetPresence,
    Sync,
    TypingStart,
)
from hub.wire.server import Ack, ChannelRemoved, ErrorFrame, Pong, Synced, Typing

log = logging.getLogger(__name__)
MAX_SENDS_IN_FLIGHT = 256
TYPING_MIN_INTERVAL = 2.0


class FrameHandlers:
    def __init__(self, connection: Connection, hub: HubState) -> None:
        self.connection = connection
        self.hub = hub
        self._sends: deque[asyncio.Future[Any]] = deque()
        self._last_typing: dict[int, float] = {}

    async def handle(self, frame: Any) -> None:
        match frame:
            case Send():
                await self.send(frame)
            case Sync():
                await self.sync(frame)
            case Edit():
                await self.edit(frame)
            case Delete():
                await self.delete(frame)
            case React():
                await self.react(frame)
            case TypingStart():
                await self.typing(frame)
            case MarkReadFrame():
                await self.read(frame)
            case SetPresence():
                await self.hub.presence.update(
                    self.connection.person_id, self.connection.id, frame.status
                )
                self.connection.push(Ack(ref=frame.ref).encode())
            case Ping():
                self.connection.push(Pong(ref=frame.ref, server_time=utcnow()).encode())
            case CommandFrame() | CardActionFrame() | FormSubmit():
                # A bot handler may take seconds: run it beside the reader, so the
                # connection goes on receiving (and sending) meanwhile.
                self.connection.spawn(self._bot_frame(frame))
            case _:
                raise HubError(
                    ErrorCode.bad_request, "Already authenticated; this frame is not needed."
                )

    async def send(self, frame: Send) -> None:
        # Checks in the order of docs/protocol.md: membership, size, rate. A followed
        # channel is a membership; anything else gets the full answer from the database
        # (the transaction that writes checks once more).
        if frame.channel_id not in self.connection.cursors:
            async with self.hub.sessions() as session:
                await permissions.check_post(session, self.connection.person, frame.channel_id)
        check_client_msg_id(frame.client_msg_id)
        check_text(frame.text, self.hub.settings.max_message_chars)
        await self.hub.send_limiter.check(self.connection.person_id)
        # Sends are pipelined: the next frame is read while this one commits. They reach
        # the writer in the order they arrived, so a client's messages keep their order.
        while len(self._sends) >= MAX_SENDS_IN_FLIGHT:
            await asyncio.wait([self._sends[0]])
            self._sends.popleft()
        op = SendMessage(
            channel_id=frame.channel_id,
            sender=self.connection.person,
            text=frame.text,
            client_msg_id=frame.client_msg_id,
            thread_root_id=frame.thread_root_id,
        )
        future = self.hub.writer.submit_nowait(op)
        future.add_done_callback(lambda done: self._acknowledge(frame, done))
        self._sends.append(future)
        while self._sends and self._sends[0].done():
            self._sends.popleft()

    def _acknowledge(self, frame: Send, done: asyncio.Future[SentMessage]) -> None:
        if done.cancelled():
            return
        error = done.exception()
        if error is None:
            sent = done.result()
            ack = Ack(
                ref=frame.ref,
                client_msg_id=frame.client_msg_id,
                channel_id=sent.message.channel_id,
                seq=sent.message.seq,
                message_id=sent.message.id,
                duplicate=sent.duplicate,
            )
            self.connection.push(ack.encode())
            return
        if isinstance(error, HubError):
            code, message = error.code.value, error.message
        else:
            code, message = (
                "internal",
                "The send failed on the server; resend with the same client_msg_id.",
            )
        self.connection.push(
            ErrorFrame(
                ref=frame.ref, client_msg_id=frame.client_msg_id, code=code, message=message
            ).encode()
        )

    async def sync(self, frame: Sync) -> None:
        async with self.hub.sessions() as session:
            member_of = set(await permissions.followed_channel_ids(session, self.connection.person))
        for channel_id in list(self.connection.cursors):
            if channel_id not in member_of:
                self.connection.unfollow(channel_id)
        for channel_id in frame.cursors:
            if channel_id not in member_of:
                # The client remembers a channel it is no longer in (or never was):
                # tell it to drop it, and nothing more.
                self.connection.unfollow(channel_id, notify=False)
                self.connection.push(ChannelRemoved(channel_id=channel_id).encode())
        for channel_id in sorted(member_of):
            await self.connection.follow(channel_id, frame.cursors.get(channel_id))
        cursors = {str(cid): seq for cid, seq in self.connection.cursors.items()}
        self.connection.push(Synced(ref=frame.ref, cursors=cursors).encode())

    async def edit(self, frame: Edit) -> None:
        text = check_text(frame.text, self.hub.settings.max_message_chars)
        async with self.hub.sessions() as session:
            await permissions.check_edit_message(session, self.connection.person, frame.message_id)
        message = await self.hub.writer.submit(
            EditMessage(frame.message_id, self.connection.person_id, text)
        )
        self.connection.push(
            Ack(ref=frame.ref, channel_id=message.channel_id, message_id=message.id).encode()
        )

    async def delete(self, frame: Delete) -> None:
        async with self.hub.sessions() as session:
            _, channel = await permissions.check_delete_message(
                session, self.connection.person, frame.message_id
            )
        seq = await self.hub.writer.submit(
            DeleteMessage(frame.message_id, deleter=self.connection.person)
        )
        self.connection.push(
            Ack(ref=frame.ref, channel_id=channel.id, seq=seq, message_id=frame.message_id).encode()
        )

    async def react(self, frame: React) -> None:
        emoji = check_emoji(frame.emoji)
        async with self.hub.sessions() as session:
            _, channel = await permissions.check_react(
                session, self.connection.person, frame.message_id
            )
        seq = await self.hub.writer.submit(
            ChangeReaction(
                frame.message_id, self.connection.person_id, emoji, add=frame.type == "react"
            )
        )
        self.connection.push(
            Ack(ref=frame.ref, channel_id=channel.id, seq=seq, message_id=frame.message_id).encode()
        )

    async def typing(self, frame: TypingStart) -> None:
        if frame.channel_id not in self.connection.cursors:
            raise channel_not_found(frame.channel_id)
        now = time.monotonic()
        if now - self._last_typing.get(frame.channel_id, 0.0) < TYPING_MIN_INTERVAL:
            return
        self._last_typing[frame.channel_id] = now
        event = Typing(
            channel_id=frame.channel_id,
            person_id=self.connection.person_id,
            thread_root_id=frame.thread_root_id,
        )
        await self.hub.delivery.publish_ephemeral(frame.channel_id, event.encode())

    async def read(self, frame: MarkReadFrame) -> None:
        if frame.channel_id not in self.connection.cursors:
            raise channel_not_found(frame.channel_id)
        seq = await self.hub.writer.submit(
            MarkRead(frame.channel_id, self.connection.person_id, frame.seq)
        )
        await self.hub.delivery.tell_read(self.connection.person_id, frame.channel_id, seq)
        self.connection.push(Ack(ref=frame.ref, channel_id=frame.channel_id, seq=seq).encode())

    async def _bot_frame(self, frame: CommandFrame | CardActionFrame | FormSubmit) -> None:
        person = self.connection.person
        try:
            match frame:
                case CommandFrame():
                    await self.hub.bots.run_command(
                        person,
                        frame.channel_id,
                        frame.text,
                        thread_root_id=frame.thread_root_id,
                        ref=frame.ref,
                    )
                    ack = Ack(ref=frame.ref, channel_id=frame.channel_id)
                case CardActionFrame():
                    outcome = await self.hub.bots.take_action(
                        person,
                        frame.message_id,
                        frame.version,
                        frame.action_id,
                        frame.values,
                        ref=frame.ref,
                    )
                    message = outcome.message
                    ack = Ack(
                        ref=frame.ref,
                        message_id=frame.message_id,
                        channel_id=message.channel_id if message else None,
                        duplicate=outcome.duplicate,
                    )
                case FormSubmit():
                    await self.hub.bots.submit_form(
                        person, frame.form_id, frame.values, ref=frame.ref
                    )
                    ack = Ack(ref=frame.ref)
        except HubError as error:
            self.connection.push(
                ErrorFrame(
                    ref=frame.ref,
                    code=error.code.value,
                    message=error.message,
                    details=error.details,
                ).encode()
            )
            return
        except Exception:
            log.exception("%s frame from connection %s failed", frame.type, self.connection.id)
            self.connection.push(
                ErrorFrame(
                    ref=frame.ref,
                    code=ErrorCode.internal.value,
                    message="The server failed on this; it is logged. Retry.",
                ).encode()
            )
            return
        self.connection.push(ack.encode())

    async def finish(self) -> None:
        """Let sends already accepted finish committing (nothing accepted is lost)."""
        if self._sends:
            await asyncio.wait(list(self._sends))
