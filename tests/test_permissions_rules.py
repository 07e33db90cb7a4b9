"""The permission rules on plain facts, without a database: each allowed and refused.

The same functions run before a write (hub.permissions.check_*) and inside it (hub.actions),
so what is asserted here holds for both.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from hub import permissions as p
from hub.errors import ErrorCode, HubError
from hub.models import Channel, Message, Person

CID, MID = 7, 70


def person(kind: str = "member", *, pid: int = 1, roles: list[str] | None = None) -> Person:
    return Person(
        id=pid, org_id=1, username=f"p{pid}", display_name="P", kind=kind, roles=roles or []
    )


def channel(kind: str = "public", *, archived: bool = False) -> Channel:
    return Channel(id=CID, kind=kind, archived=archived)


def message(sender_id: int = 1, *, deleted: bool = False) -> Message:
    deleted_at = datetime(2024, 1, 1, tzinfo=UTC) if deleted else None
    return Message(id=MID, channel_id=CID, seq=1, sender_id=sender_id, deleted_at=deleted_at)


STAFF, GUEST, BOT = person(), person("guest"), person("bot")
ADMIN = person(roles=["admin"])


def refused(rule: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[ErrorCode, str]:
    with pytest.raises(HubError) as caught:
        rule(*args, **kwargs)
    return caught.value.code, caught.value.message


# Reading: what a viewer may not see does not exist


def test_read_channel() -> None:
    assert p.check_may_read_channel(STAFF, CID, channel("private"), member=True).kind == "private"
    p.check_may_read_channel(STAFF, CID, channel("public"), member=False)
    for viewer, kind in [(GUEST, "public"), (STAFF, "private"), (BOT, "group")]:
        assert refused(p.check_may_read_channel, viewer, CID, channel(kind), member=False)[0] == (
            ErrorCode.channel_not_found
        )
    assert refused(p.check_may_read_channel, STAFF, CID, None, member=False)[0] == (
        ErrorCode.channel_not_found
    )


def test_hidden_is_answered_exactly_as_missing() -> None:
    for rule in (p.check_may_read_channel, p.check_may_post, p.check_may_join):
        hidden = refused(rule, GUEST, CID, channel(), member=False)
        assert hidden == refused(rule, GUEST, CID, None, member=False)
    hidden = refused(p.check_may_read_message, GUEST, MID, channel(), member=False)
    assert hidden == refused(p.check_may_read_message, GUEST, MID, None, member=False)


def test_read_message_hides_the_channel_behind_the_message() -> None:
    p.check_may_read_message(GUEST, MID, channel("private"), member=True)
    assert refused(p.check_may_read_message, GUEST, MID, channel(), member=False)[0] == (
        ErrorCode.message_not_found
    )
    assert refused(p.check_may_read_message, STAFF, MID, None, member=False)[0] == (
        ErrorCode.message_not_found
    )


# Posting: the one rule for every transport and the writer


def test_post_as_member_and_not() -> None:
    p.check_may_post(STAFF, CID, channel("private"), member=True)
    p.check_may_post(GUEST, CID, channel("private"), member=True)
    assert refused(p.check_may_post, STAFF, CID, channel(), member=False) == (
        ErrorCode.not_a_member,
        f"Join channel {CID} before writing in it.",
    )
    assert refused(p.check_may_post, GUEST, CID, channel(), member=False)[0] == (
        ErrorCode.channel_not_found
    )
    assert refused(p.check_may_post, STAFF, CID, None, member=True)[0] == (
        ErrorCode.channel_not_found
    )


def test_bots_post_in_public_channels_unasked_but_not_in_private_ones() -> None:
    p.check_may_post(BOT, CID, channel("public"), member=False)
    assert refused(p.check_may_post, BOT, CID, channel("private"), member=False)[0] == (
        ErrorCode.channel_not_found
    )


def test_a_bot_posting_on_behalf_of_a_member_posts_where_they_may() -> None:
    # `member` is the invoker's membership: the bot itself is not in the private channel.
    p.check_may_post(BOT, CID, channel("private"), member=True)


def test_nobody_posts_in_an_archived_channel() -> None:
    for poster, member in [(STAFF, True), (ADMIN, True), (BOT, False), (BOT, True)]:
        assert refused(p.check_may_post, poster, CID, channel(archived=True), member=member) == (
            ErrorCode.channel_archived,
            f"Channel {CID} is archived; unarchive it to write.",
        )


def test_other_writes_need_a_membership_even_for_bots() -> None:
    p.check_may_write(BOT, CID, channel(), member=True)
    assert (
        refused(p.check_may_write, BOT, CID, channel(), member=False)[0] == ErrorCode.not_a_member
    )
    assert refused(p.check_may_write, STAFF, CID, channel(archived=True), member=True)[0] == (
        ErrorCode.channel_archived
    )


# Channel membership and settings


def test_join() -> None:
    p.check_may_join(STAFF, CID, channel(), member=False)
    p.check_may_join(STAFF, CID, channel("private"), member=True)  # already in: no change
    assert refused(p.check_may_join, STAFF, CID, channel("private"), member=False)[0] == (
        ErrorCode.channel_not_found
    )
    assert refused(p.check_may_join, GUEST, CID, channel(), member=False)[0] == (
        ErrorCode.channel_not_found
    )
    assert refused(p.check_may_join, STAFF, CID, channel(archived=True), member=False) == (
        ErrorCode.channel_archived,
        f"Channel {CID} is archived.",
    )


def test_add_members() -> None:
    p.check_may_add_members(CID, channel("private"))
    assert refused(p.check_may_add_members, CID, None)[0] == ErrorCode.channel_not_found
    assert refused(p.check_may_add_members, CID, channel(archived=True))[0] == (
        ErrorCode.channel_archived
    )


def test_invite() -> None:
    p.check_may_invite(STAFF, CID, channel("private"), member=True)
    assert refused(p.check_may_invite, GUEST, CID, channel(), member=True) == (
        ErrorCode.forbidden,
        "Guests cannot add people to channels.",
    )
    assert refused(p.check_may_invite, STAFF, CID, channel("direct"), member=True)[0] == (
        ErrorCode.bad_request
    )
    assert refused(p.check_may_invite, STAFF, CID, channel(), member=False)[0] == (
        ErrorCode.not_a_member
    )


def test_invitees() -> None:
    p.check_invitees([GUEST], shared=True)
    assert refused(p.check_invitees, [GUEST], shared=False)[0] == ErrorCode.forbidden
    gone = person(pid=2)
    gone.active = False
    assert refused(p.check_invitees, [gone], shared=True)[0] == ErrorCode.bad_request


def test_manage_channel() -> None:
    p.check_may_manage_channel(STAFF, CID, channel("private"), role="owner")
    p.check_may_manage_channel(ADMIN, CID, channel(), role=None)
    # A guest is never a moderator, even as the owner (of a shared channel).
    for viewer, role in [(STAFF, "member"), (STAFF, None), (GUEST, "owner")]:
        assert refused(p.check_may_manage_channel, viewer, CID, channel(), role=role) == (
            ErrorCode.forbidden,
            f"Only the owners of channel {CID} or an admin can do this.",
        )
    # Admins do not see private channels they are not in.
    assert refused(p.check_may_manage_channel, ADMIN, CID, channel("private"), role=None)[0] == (
        ErrorCode.channel_not_found
    )


def test_set_topic() -> None:
    p.check_may_set_topic(STAFF, CID, channel(), member=True)
    assert refused(p.check_may_set_topic, GUEST, CID, channel("private"), member=True)[0] == (
        ErrorCode.forbidden
    )
    assert refused(p.check_may_set_topic, STAFF, CID, channel(archived=True), member=True)[0] == (
        ErrorCode.channel_archived
    )


# Messages


def test_edit_only_your_own_live_message() -> None:
    p.check_may_edit(1, message(sender_id=1))
    assert refused(p.check_may_edit, 2, message(sender_id=1)) == (
        ErrorCode.forbidden,
        "You can only edit your own messages.",
    )
    assert refused(p.check_may_edit, 1, message(deleted=True)) == (
        ErrorCode.conflict,
        "This message was deleted; it cannot be edited.",
    )


def test_delete_your_own_or_moderate() -> None:
    p.check_may_delete(STAFF, message(sender_id=STAFF.id or 0), role="member")
    p.check_may_delete(STAFF, message(sender_id=9), role="owner")
    p.check_may_delete(ADMIN, message(sender_id=9), role="member")
    p.check_may_delete(BOT, message(sender_id=BOT.id or 0), role=None)
    for deleter, role in [(STAFF, "member"), (GUEST, "owner"), (BOT, None)]:
        assert refused(p.check_may_delete, deleter, message(sender_id=9), role=role) == (
            ErrorCode.forbidden,
            "You can only delete your own messages.",
        )
    assert refused(p.check_may_delete, STAFF, message(deleted=True), role="member") == (
        ErrorCode.conflict,
        "This message is already deleted.",
    )
    assert refused(p.check_deletable, message(deleted=True))[0] == ErrorCode.conflict


def test_react_on_a_live_message() -> None:
    p.check_may_react(message())
    assert refused(p.check_may_react, message(deleted=True)) == (
        ErrorCode.conflict,
        "This message was deleted.",
    )


def test_a_bot_changes_only_its_own_cards() -> None:
    p.check_may_change_card(BOT.id, BOT.id or 0)
    assert refused(p.check_may_change_card, BOT.id, 99) == (
        ErrorCode.forbidden,
        "A bot can change only its own cards.",
    )


def test_permissions_import_no_feature_package() -> None:
    """hub.permissions is a low layer every feature uses: it must not import one."""
    features = (
        "hub.api",
        "hub.bots",
        "hub.files",
        "hub.integrations",
        "hub.realtime",
        "hub.timers",
    )
    code = (
        "import sys, hub.permissions; "
        f"print(sorted(m for m in sys.modules if m.startswith({features!r})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
