"""What fan-out puts on the broker: topic names and the byte format of each kind of message.

Channel topics (`ch.<id>`) carry committed events with a one-line header (seq, type,
audience, publish time) before the frame, which is already encoded once at commit, so
a receiving process never parses the frame to route it. Person topics (`u.<id>`) carry
a channel to follow (a member joined), a frame for that person's connections only (a
bot's private reply, a read marker), or the end of their sessions (deactivated, password
reset): every connection of theirs closes. The format is private to hub.fanout: both
ends are here (`end_sessions_messages` is what another process, such as the CLI, puts on
the broker).
"""

from __future__ import annotations

from dataclasses import dataclass

from hub.wire.server import LoggedEvent

EPHEMERAL_SEQ = 0  # typing and the like: never logged, never replayed


@dataclass(frozen=True, slots=True)
class ChannelEnvelope:
    seq: int
    type: str
    audience: tuple[int, ...]  # who joined or left, for membership events
    stamp: float  # when it was published, for the delivery-latency metric
    frame: str


@dataclass(frozen=True, slots=True)
class Follow:
    channel_id: int
    seq: int  # the member.joined event; the new follower replays from just before it


@dataclass(frozen=True, slots=True)
class PersonalFrame:
    frame: str


@dataclass(frozen=True, slots=True)
class EndSessions:
    """Close the person's connections, with this WebSocket close code and reason: those
    opened with one session (its token's hash), or every one (`session_hash` None)."""

    code: int
    reason: str
    session_hash: str | None = None


PersonMessage = Follow | PersonalFrame | EndSessions


def channel_topic(channel_id: int) -> str:
    return f"ch.{channel_id}"


def person_topic(person_id: int) -> str:
    return f"u.{person_id}"


def encode_event(event: LoggedEvent, stamp: float) -> bytes:
    audience = ",".join(str(pid) for pid in event.audience)
    return f"{event.seq}|{event.type}|{audience}|{stamp:.6f}\n{event.frame}".encode()


def encode_ephemeral(frame: str, stamp: float) -> bytes:
    return f"{EPHEMERAL_SEQ}|ephemeral||{stamp:.6f}\n{frame}".encode()


def decode_channel_message(payload: bytes) -> ChannelEnvelope:
    header, _, body = payload.partition(b"\n")
    seq, event_type, audience, stamp = header.decode().split("|")
    return ChannelEnvelope(
        seq=int(seq),
        type=event_type,
        audience=tuple(int(pid) for pid in audience.split(",") if pid),
        stamp=float(stamp),
        frame=body.decode(),
    )


def encode_follow(channel_id: int, seq: int) -> bytes:
    return f"follow|{channel_id}|{seq}".encode()


def encode_personal_frame(frame: str) -> bytes:
    return b"frame|" + frame.encode()


def encode_end_sessions(code: int, reason: str, session_hash: str | None = None) -> bytes:
    return f"end|{code}|{session_hash or ''}|{reason}".encode()


def end_sessions_messages(
    person_ids: list[int], code: int, reason: str, session_hash: str | None = None
) -> list[tuple[str, bytes]]:
    """What to publish so every process closes these people's connections (only those
    opened with `session_hash`, if given)."""
    payload = encode_end_sessions(code, reason, session_hash)
    return [(person_topic(person_id), payload) for person_id in person_ids]


def decode_person_message(payload: bytes) -> PersonMessage:
    if payload.startswith(b"frame|"):
        return PersonalFrame(payload[len(b"frame|") :].decode())
    if payload.startswith(b"end|"):
        _, code, session_hash, reason = payload.decode().split("|", 3)
        return EndSessions(int(code), reason, session_hash or None)
    _, channel_id, seq = payload.decode().split("|")
    return Follow(int(channel_id), int(seq))
