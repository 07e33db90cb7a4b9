"""Who may see and do what: the one module every transport (HTTP, WebSocket, bots) asks.

Roles: admin, member, guest. A guest sees only the channels they belong to and only the
people who share one of those channels (and the bots that post in them); they cannot create channels, message anyone
outside them, or list the directory. Anything a viewer may not see is answered exactly
as if it did not exist, so probing learns nothing.

Each rule is stated once, as a pure `check_may_*` function of facts (the person, the
channel row or None, whether they are a member, the message): it returns, or raises the
one HubError. The async `check_*` functions load those facts with a query and apply the
rule before anything is written; the operations in hub.actions apply the same rule to the
facts they read inside their writing transaction, so the early answer and the write
cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from hub.cards.access import actions_for, card_actions, may_take
from hub.delegation import people_acting_for
from hub.errors import (
    ErrorCode,
    HubError,
    channel_not_found,
    message_not_found,
    person_not_found,
)
from hub.models import (
    Channel,
    Membership,
    Message,
    Person,
    Upload,
    UploadGrant,
    UploadShare,
    card_awaiting_table,
    channel_table,
    membership_table,
    person_table,
    upload_grant_table,
    upload_table,
)


class ChannelFacts(Protocol):
    """What the rules read of a channel: a `Channel`, or a Core row with these columns."""

    @property
    def kind(self) -> str: ...

    @property
    def archived(self) -> bool: ...


class MessageFacts(Protocol):
    """What the rules read of a message: a `Message`, or a Core row with these columns."""

    @property
    def sender_id(self) -> int: ...

    @property
    def deleted_at(self) -> datetime | None: ...


C = TypeVar("C", bound=ChannelFacts)


def _forbidden(message: str) -> HubError:
    return HubError(ErrorCode.forbidden, message)


def _not_a_member(channel_id: int) -> HubError:
    return HubError(ErrorCode.not_a_member, f"Join channel {channel_id} before writing in it.")


# People


def check_directory(viewer: Person) -> None:
    if viewer.is_guest:
        raise _forbidden(
            "Guests cannot browse the directory; ask a staff member in your shared channel."
        )


def check_admin(viewer: Person, what: str) -> None:
    """Managing bots, tokens and integrations: admins only."""
    if not viewer.is_admin:
        raise _forbidden(f"Only an admin can {what}.")


def check_post_card(viewer: Person) -> None:
    """Cards carry actions that bots answer, so only bots post them."""
    if viewer.kind != "bot":
        raise _forbidden("Only bots post cards; sign in with a bot token (docs/bots.md).")


def check_create_channel(viewer: Person) -> None:
    if viewer.is_guest:
        raise _forbidden("Guests cannot create channels.")


def visible_people_clause(viewer: Person) -> sa.ColumnElement[bool]:
    """A WHERE clause on Person that keeps only the people `viewer` may see."""
    if not viewer.is_guest:
        return sa.true()
    mine = select(Membership.channel_id).where(Membership.person_id == viewer.id)
    sharing = select(Membership.person_id).where(col(Membership.channel_id).in_(mine))
    # A bot answers a slash command where the person typed it without being a member: its
    # messages are in the guest's channel, so the guest may see who it is.
    posted_here = (
        select(Message.id)
        .where(Message.sender_id == Person.id, col(Message.channel_id).in_(mine))
        .exists()
    )
    return sa.or_(col(Person.id).in_(sharing), sa.and_(col(Person.kind) == "bot", posted_here))


async def check_see_person(session: AsyncSession, viewer: Person, person_id: int) -> Person:
    stmt = select(Person).where(Person.id == person_id, visible_people_clause(viewer))
    person = (await session.exec(stmt)).first()
    if person is None:
        raise person_not_found(person_id)
    return person


async def check_see_people(
    session: AsyncSession, viewer: Person, person_ids: Iterable[int]
) -> list[Person]:
    wanted = sorted(set(person_ids))
    stmt = select(Person).where(Person.id.in_(wanted), visible_people_clause(viewer))  # type: ignore[union-attr]
    found = {p.id: p for p in (await session.exec(stmt)).all()}
    for person_id in wanted:
        if person_id not in found:
            raise person_not_found(person_id)
    return [found[i] for i in wanted]


# Channels: the rules


def _may_read(viewer: Person, channel: ChannelFacts | None, member: bool) -> bool:
    return channel is not None and (member or (channel.kind == "public" and not viewer.is_guest))


def readable_channel_clause(
    viewer: Person, channel_id: sa.ColumnElement[int]
) -> sa.ColumnElement[bool]:
    """A WHERE clause keeping the rows whose `channel_id` column names a channel `viewer`
    may read: the rule of `_may_read`, in SQL (the inbox reads across channels with it)."""
    mine = select(Membership.channel_id).where(Membership.person_id == viewer.id)
    if viewer.is_guest:
        return channel_id.in_(mine)
    public = select(Channel.id).where(Channel.kind == "public")
    return sa.or_(channel_id.in_(mine), channel_id.in_(public))


def check_may_read_channel(
    viewer: Person, channel_id: int, channel: C | None, *, member: bool
) -> C:
    """Members read their channels; staff also read public channels they have not joined."""
    if channel is None or not _may_read(viewer, channel, member):
        raise channel_not_found(channel_id)
    return channel


def check_may_write(person: Person, channel_id: int, channel: C | None, *, member: bool) -> C:
    """Writing in a channel (reacting, editing, inviting, the topic): members of a live one."""
    channel = check_may_read_channel(person, channel_id, channel, member=member)
    if not member:
        raise _not_a_member(channel_id)
    if channel.archived:
        raise HubError(
            ErrorCode.channel_archived, f"Channel {channel_id} is archived; unarchive it to write."
        )
    return channel


def check_account_active(active: bool, *, done: str = "done") -> None:
    """A person's account must be active when their change is written: `active` is read in
    the writing transaction, so a send, edit, reaction or card action authenticated before
    a deactivation (an open socket, a request in flight) that is written after it is refused."""
    if not active:
        raise HubError(
            ErrorCode.not_authenticated,
            f"This account has been deactivated, so nothing was {done}; "
            "ask an admin if this is a mistake.",
        )


async def check_active_in(conn: AsyncConnection, person_id: int) -> None:
    """check_account_active on the writing transaction's own read of the person."""
    active = (
        await conn.execute(sa.select(person_table.c.active).where(person_table.c.id == person_id))
    ).scalar_one_or_none()
    check_account_active(bool(active))


def check_may_post(sender: Person, channel_id: int, channel: C | None, *, member: bool) -> C:
    """Posting a message: as writing, except that bots post in public channels unasked (a
    reminder, a digest), as Slack apps may. `member` is the sender's membership, or that of
    the person a bot posts for (a slash command's invoker, checked before the bot ran)."""
    channel = check_may_read_channel(sender, channel_id, channel, member=member)
    bot_in_public = sender.kind == "bot"  # reading passed: unjoined, it is public
    return check_may_write(sender, channel_id, channel, member=member or bot_in_public)


def check_may_add_members(channel_id: int, channel: C | None) -> C:
    """Nobody joins or is added to an archived channel."""
    if channel is None:
        raise channel_not_found(channel_id)
    if channel.archived:
        raise HubError(ErrorCode.channel_archived, f"Channel {channel_id} is archived.")
    return channel


def check_may_join(viewer: Person, channel_id: int, channel: C | None, *, member: bool) -> C:
    channel = check_may_read_channel(viewer, channel_id, channel, member=member)
    if channel.kind != "public" and not member:
        raise channel_not_found(channel_id)
    return check_may_add_members(channel_id, channel)


def check_may_invite(inviter: Person, channel_id: int, channel: C | None, *, member: bool) -> C:
    channel = check_may_write(inviter, channel_id, channel, member=member)
    if inviter.is_guest:
        raise _forbidden("Guests cannot add people to channels.")
    if channel.kind == "direct":
        raise HubError(
            ErrorCode.bad_request,
            "A direct message has exactly two people; start a group message instead.",
        )
    return channel


def check_invitees(invitees: Iterable[Person], *, shared: bool) -> None:
    """People added to a channel, now or at its creation: active, and guests only if shared."""
    for person in invitees:
        if not person.active:
            raise HubError(ErrorCode.bad_request, f"{person.username} is deactivated.")
        if person.is_guest and not shared:
            raise _forbidden(
                f"{person.username} is a partner guest; only shared channels can have guests."
            )


def check_create_shared_channel(viewer: Person) -> None:
    """Shared channels let partners in, so only the company's own staff (and admins) open them."""
    if viewer.kind != "member":
        raise _forbidden("Only staff can create shared channels.")


def check_may_manage_channel(
    viewer: Person, channel_id: int, channel: C | None, *, role: str | None
) -> C:
    """Renaming, archiving and removing people: the channel's owners and admins.
    `role` is the viewer's membership role, None when not a member."""
    channel = check_may_read_channel(viewer, channel_id, channel, member=role is not None)
    if viewer.is_admin and not viewer.is_guest:
        return channel
    if role != "owner" or viewer.is_guest:
        raise _forbidden(f"Only the owners of channel {channel_id} or an admin can do this.")
    return channel


def check_may_set_topic(viewer: Person, channel_id: int, channel: C | None, *, member: bool) -> C:
    channel = check_may_write(viewer, channel_id, channel, member=member)
    if viewer.is_guest:
        raise _forbidden("Guests cannot change a channel's topic.")
    return channel


# Channels: the checks before a write


async def _channel_and_membership(
    session: AsyncSession, viewer: Person, channel_id: int
) -> tuple[Channel | None, Membership | None]:
    row = (
        await session.exec(
            select(Channel, Membership)
            .join(
                Membership,
                sa.and_(
                    col(Membership.channel_id) == col(Channel.id),
                    col(Membership.person_id) == viewer.id,
                ),
                isouter=True,
            )
            .where(Channel.id == channel_id)
        )
    ).first()
    if row is None:
        return None, None
    return row[0], row[1]


async def check_read_channel(
    session: AsyncSession, viewer: Person, channel_id: int
) -> tuple[Channel, Membership | None]:
    channel, membership = await _channel_and_membership(session, viewer, channel_id)
    member = membership is not None
    return check_may_read_channel(viewer, channel_id, channel, member=member), membership


async def check_post(
    session: AsyncSession, viewer: Person, channel_id: int
) -> tuple[Channel, Membership | None]:
    """May `viewer` post a message here (the membership is None for a bot in a public channel)."""
    channel, membership = await _channel_and_membership(session, viewer, channel_id)
    member = membership is not None
    check_account_active(viewer.active, done="sent")
    return check_may_post(viewer, channel_id, channel, member=member), membership


async def _check_write(
    session: AsyncSession, viewer: Person, channel_id: int
) -> tuple[Channel, Membership]:
    channel, membership = await _channel_and_membership(session, viewer, channel_id)
    checked = check_may_write(viewer, channel_id, channel, member=membership is not None)
    assert membership is not None  # check_may_write refuses non-members
    return checked, membership


async def check_join(session: AsyncSession, viewer: Person, channel_id: int) -> Channel:
    channel, membership = await _channel_and_membership(session, viewer, channel_id)
    return check_may_join(viewer, channel_id, channel, member=membership is not None)


async def check_invite(
    session: AsyncSession, viewer: Person, channel_id: int, invitees: list[Person]
) -> Channel:
    channel, membership = await _channel_and_membership(session, viewer, channel_id)
    checked = check_may_invite(viewer, channel_id, channel, member=membership is not None)
    check_invitees(invitees, shared=checked.shared)
    return checked


async def check_manage_channel(
    session: AsyncSession, viewer: Person, channel_id: int
) -> tuple[Channel, Membership | None]:
    channel, membership = await _channel_and_membership(session, viewer, channel_id)
    role = membership.role if membership is not None else None
    return check_may_manage_channel(viewer, channel_id, channel, role=role), membership


async def check_set_topic(session: AsyncSession, viewer: Person, channel_id: int) -> Channel:
    channel, membership = await _channel_and_membership(session, viewer, channel_id)
    return check_may_set_topic(viewer, channel_id, channel, member=membership is not None)


async def check_direct(session: AsyncSession, viewer: Person, other_ids: list[int]) -> list[Person]:
    """A guest may message only people they already share a channel with."""
    others = await check_see_people(session, viewer, [i for i in other_ids if i != viewer.id])
    if not others:
        raise HubError(ErrorCode.bad_request, "Name at least one other person to message.")
    for person in others:
        if not person.active:
            raise HubError(ErrorCode.bad_request, f"{person.username} is deactivated.")
    return others


# Messages: the rules (each after the channel's own: reading, or writing in it)


def check_may_read_message(
    viewer: Person, message_id: int, channel: C | None, *, member: bool
) -> C:
    """A message is seen by whoever reads its channel; to anyone else it does not exist.
    `channel` is the message's channel, None when there is no such message."""
    if channel is None or not _may_read(viewer, channel, member):
        raise message_not_found(message_id)
    return channel


def check_may_edit(editor_id: int | None, message: MessageFacts) -> None:
    if message.sender_id != editor_id:
        raise _forbidden("You can only edit your own messages.")
    if message.deleted_at is not None:
        raise HubError(ErrorCode.conflict, "This message was deleted; it cannot be edited.")


def check_may_delete(deleter: Person, message: MessageFacts, *, role: str | None) -> None:
    """Your own message, or any as the channel's owner (`role`) or an admin; never a guest."""
    own = message.sender_id == deleter.id
    moderator = (deleter.is_admin or role == "owner") and not deleter.is_guest
    if not (own or moderator):
        raise _forbidden("You can only delete your own messages.")
    check_deletable(message)


def check_deletable(message: MessageFacts) -> None:
    if message.deleted_at is not None:
        raise HubError(ErrorCode.conflict, "This message is already deleted.")


def check_may_react(message: MessageFacts) -> None:
    if message.deleted_at is not None:
        raise HubError(ErrorCode.conflict, "This message was deleted.")


def check_may_change_card(bot_id: int | None, sender_id: int) -> None:
    """A bot replaces only the cards it posted (`sender_id`: the card message's sender)."""
    if sender_id != bot_id:
        raise _forbidden("A bot can change only its own cards.")


# Messages: the checks before a write


async def check_read_message(
    session: AsyncSession, viewer: Person, message_id: int
) -> tuple[Message, Channel]:
    message = await session.get(Message, message_id)
    channel, membership = (
        await _channel_and_membership(session, viewer, message.channel_id)
        if message is not None
        else (None, None)
    )
    member = membership is not None
    checked = check_may_read_message(viewer, message_id, channel, member=member)
    assert message is not None  # no message, no channel: refused above
    return message, checked


async def check_edit_message(
    session: AsyncSession, viewer: Person, message_id: int
) -> tuple[Message, Channel]:
    message, channel = await check_read_message(session, viewer, message_id)
    await _check_write(session, viewer, channel.id or 0)
    check_may_edit(viewer.id, message)
    return message, channel


async def check_delete_message(
    session: AsyncSession, viewer: Person, message_id: int
) -> tuple[Message, Channel]:
    message, channel = await check_read_message(session, viewer, message_id)
    _, membership = await _check_write(session, viewer, channel.id or 0)
    check_may_delete(viewer, message, role=membership.role)
    return message, channel


async def check_react(
    session: AsyncSession, viewer: Person, message_id: int
) -> tuple[Message, Channel]:
    message, channel = await check_read_message(session, viewer, message_id)
    await _check_write(session, viewer, channel.id or 0)
    check_may_react(message)
    return message, channel


# Files


def upload_not_found(upload_id: str) -> HubError:
    return HubError(ErrorCode.not_found, f"No file {upload_id} that you can see.")


async def check_read_upload(session: AsyncSession, viewer: Person, upload_id: str) -> Upload:
    """The upload, for its uploader, the people it was given to (the bot a form or card action
    sent it to, whoever that bot shared it with) and whoever can read a channel it was shared
    with. A guest never reads through a grant: only their own uploads and their channels'."""
    upload = await session.get(Upload, upload_id)
    if upload is None:
        raise upload_not_found(upload_id)
    if upload.owner_id == viewer.id:
        return upload
    if not viewer.is_guest and await session.get(UploadGrant, (upload_id, viewer.id)) is not None:
        return upload
    shared = await session.exec(
        select(UploadShare.channel_id).where(UploadShare.upload_id == upload_id)
    )
    for channel_id in shared.all():
        channel, membership = await _channel_and_membership(session, viewer, channel_id)
        if _may_read(viewer, channel, membership is not None):
            return upload
    raise upload_not_found(upload_id)


def check_share_files(viewer: Person) -> None:
    """Files people send go to a bot, and only the bot passes them on."""
    if viewer.kind != "bot":
        raise _forbidden("Only bots share files; sign in with a bot token (docs/bots.md).")


async def check_share_uploads(conn: AsyncConnection, sharer: Person, upload_ids: list[str]) -> None:
    """A bot shares on only the files it was given (or uploaded itself): not files it merely
    sees in a channel. The others are answered as if they did not exist."""
    check_share_files(sharer)
    if not upload_ids:
        return
    given = sa.exists().where(
        upload_grant_table.c.upload_id == upload_table.c.id,
        upload_grant_table.c.person_id == sharer.id,
    )
    held = set(
        (
            await conn.execute(
                sa.select(upload_table.c.id).where(
                    upload_table.c.id.in_(upload_ids),
                    sa.or_(upload_table.c.owner_id == sharer.id, given),
                )
            )
        ).scalars()
    )
    for upload_id in upload_ids:
        if upload_id not in held:
            raise HubError(
                ErrorCode.not_found,
                f"No file {upload_id} given to this bot: a bot shares only files people sent "
                "it through a `file` input, or that it uploaded itself.",
            )


async def check_share_with_people(conn: AsyncConnection, person_ids: list[int]) -> None:
    """Files go to people who exist; never to a guest, who reads only in their channels."""
    if not person_ids:
        raise HubError(ErrorCode.validation_failed, "Name at least one person to share with.")
    kinds = {
        row.id: row.kind
        for row in await conn.execute(
            sa.select(person_table.c.id, person_table.c.kind).where(
                person_table.c.id.in_(person_ids)
            )
        )
    }
    for person_id in person_ids:
        kind = kinds.get(person_id)
        if kind is None:
            raise person_not_found(person_id)
        if kind == "guest":
            raise HubError(
                ErrorCode.validation_failed,
                f"Person {person_id} is a guest: guests read files only in the channels they "
                "belong to; share it with such a channel instead.",
            )


async def check_share_with_channel(
    conn: AsyncConnection, sharer: Person, channel_id: int, *, on_behalf_of: int | None = None
) -> None:
    """A bot shares files where it may post: as check_may_post, where the person who invoked
    it (`on_behalf_of`) counts as for the bot's answer in that channel."""
    channel = (
        await conn.execute(sa.select(channel_table).where(channel_table.c.id == channel_id))
    ).first()
    members = {sharer.id} | ({on_behalf_of} if on_behalf_of is not None else set())
    member = (
        channel is not None
        and (
            await conn.scalar(
                sa.select(sa.func.count())
                .select_from(membership_table)
                .where(
                    membership_table.c.channel_id == channel_id,
                    membership_table.c.person_id.in_(members),
                )
            )
            or 0
        )
        > 0
    )
    check_may_post(sharer, channel_id, channel, member=member)


# Bot apps (docs/apps.md)


def check_may_use_app(viewer: Person, bot: str, *, guests: bool) -> None:
    """A bot app's routes and page are for staff; a guest only where the bot opens them to
    guests (`guests=True`), and is answered as if there were nothing there otherwise."""
    if viewer.is_guest and not guests:
        raise HubError(ErrorCode.not_found, f"No such route of the {bot} app.")


# Incoming webhooks (outgoing ones are admin-only: check_admin)


def check_staff_integrations(viewer: Person) -> None:
    """Webhooks post as bots and read channels for outside systems: staff only, never guests or bots."""
    if viewer.kind != "member":
        raise _forbidden("Only staff can manage incoming webhooks.")


async def check_create_incoming_webhook(
    session: AsyncSession, viewer: Person, channel_id: int
) -> Channel:
    """A staff member who may post in the channel, or an admin, gives it an incoming webhook."""
    check_staff_integrations(viewer)
    channel = await session.get(Channel, channel_id) if viewer.is_admin else None
    if channel is None:
        channel, _ = await check_post(session, viewer, channel_id)
    check_may_add_members(channel_id, channel)  # the webhook's bot joins the channel
    if channel.kind in ("direct", "group"):
        raise HubError(
            ErrorCode.validation_failed,
            "Incoming webhooks post into public and private channels, not direct messages.",
        )
    return channel


async def check_list_incoming_webhooks(
    session: AsyncSession, viewer: Person, channel_id: int | None
) -> None:
    """Admins list all; staff list those of a channel they may post in."""
    check_staff_integrations(viewer)
    if viewer.is_admin:
        return
    if channel_id is None:
        raise HubError(
            ErrorCode.validation_failed,
            "Give `channel_id`; only admins list every incoming webhook.",
        )
    await check_post(session, viewer, channel_id)


async def check_delete_incoming_webhook(
    session: AsyncSession, viewer: Person, channel_id: int, created_by: int | None
) -> bool:
    """Its creator, the channel's owners and admins; False means "as if it did not exist"."""
    check_staff_integrations(viewer)
    if viewer.is_admin:
        return True
    try:
        _, membership = await check_read_channel(session, viewer, channel_id)
    except HubError:
        return False
    if created_by == viewer.id or (membership is not None and membership.role == "owner"):
        return True
    raise _forbidden("Only its creator, the channel's owners or an admin can delete this webhook.")


# Event delivery


async def followed_channel_ids(session: AsyncSession, person: Person) -> list[int]:
    """The channels whose events a person's connections receive: exactly their memberships."""
    rows = await session.exec(
        select(Membership.channel_id).where(Membership.person_id == person.id)
    )
    return list(rows.all())


async def presence_watchers(session: AsyncSession, person_id: int) -> set[int]:
    """Who may see `person_id`'s presence: everyone sharing a channel with them."""
    mine = select(Membership.channel_id).where(Membership.person_id == person_id)
    rows = await session.exec(
        select(Membership.person_id).where(Membership.channel_id.in_(mine)).distinct()  # type: ignore[attr-defined]
    )
    return set(rows.all())


# Cards read and acted on for someone out of office (hub.delegation)


def check_may_delegate(person: Person) -> None:
    """Only staff name a delegate: a guest's or a bot's cards are not handed to anyone."""
    if person.kind != "member":
        raise _forbidden("Only staff members can name someone to act for them.")


async def check_read_card(
    session: AsyncSession, viewer: Person, message_id: int, now: datetime
) -> tuple[Message, Channel, Person | None]:
    """A card is read by whoever reads its message, and by the delegate of someone it waits
    for (its `awaiting`) while that person is out of office: the third value is then that
    person, whom the viewer reads it for. Anyone else gets message_not_found."""
    try:
        message, channel = await check_read_message(session, viewer, message_id)
        return message, channel, None
    except HubError as refused:
        if refused.code != ErrorCode.message_not_found:
            raise
        for absent in await _awaiting_delegators(session, viewer, message_id, now):
            try:
                message, channel = await check_read_message(session, absent, message_id)
            except HubError:
                continue
            return message, channel, absent
        raise


async def acting_candidates(
    session: AsyncSession,
    viewer: Person,
    message: Message,
    reading_for: Person | None,
    now: datetime,
) -> list[Person]:
    """Those `viewer` may act for on this card: whom they read it for, or else everyone they
    are delegate for who may read it themselves."""
    if reading_for is not None:
        return [reading_for]
    found = []
    for absent in await _delegators(session, viewer, now):
        try:
            await check_read_message(session, absent, message.id or 0)
        except HubError:
            continue
        found.append(absent)
    return found


async def check_may_act(
    session: AsyncSession,
    viewer: Person,
    message: Message,
    channel: Channel,
    action: dict[str, Any],
    reading_for: Person | None,
    now: datetime,
) -> Person | None:
    """Whether `viewer` may take `action` on the card: as themself (None), or for a person
    they are delegate for whom the action allows (that person is returned); who acts must
    be able to post in the card's channel. Raises forbidden otherwise."""
    if reading_for is None and may_take(action, viewer.id or 0, viewer.roles):
        await check_post(session, viewer, channel.id or 0)
        return None
    for absent in await acting_candidates(session, viewer, message, reading_for, now):
        if may_take(action, absent.id or 0, absent.roles):
            await check_post(session, absent, channel.id or 0)
            return absent
    raise _forbidden("This action is not yours to take on this card.")


async def _delegators(session: AsyncSession, viewer: Person, now: datetime) -> list[Person]:
    return await people_acting_for(await session.connection(), viewer, now)


async def _awaiting_delegators(
    session: AsyncSession, viewer: Person, message_id: int, now: datetime
) -> list[Person]:
    absent = await _delegators(session, viewer, now)
    if not absent:
        return []
    t = card_awaiting_table.c
    waited = set(
        (
            await session.exec(
                sa.select(t.person_id).where(  # type: ignore[call-overload]
                    t.message_id == message_id, t.person_id.in_([p.id for p in absent])
                )
            )
        ).scalars()
    )
    return [p for p in absent if p.id in waited]


async def actions_open_to(
    session: AsyncSession,
    viewer: Person,
    message: Message,
    reading_for: Person | None,
    now: datetime,
) -> tuple[list[str], dict[str, int]]:
    """The card's actions `viewer` may take, in card order, and for those they may take only
    as someone's delegate, whom they would act for (action id to person id)."""
    card = message.card or {}
    own = [] if reading_for is not None else actions_for(card, viewer.id or 0, viewer.roles)
    acting: dict[str, int] = {}
    for absent in await acting_candidates(session, viewer, message, reading_for, now):
        for action_id in actions_for(card, absent.id or 0, absent.roles):
            if action_id not in own and action_id not in acting:
                acting[action_id] = absent.id or 0
    ordered = [a["id"] for a in card_actions(card) if a["id"] in own or a["id"] in acting]
    return ordered, acting
