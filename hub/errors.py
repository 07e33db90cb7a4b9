"""One error type for the whole hub: a machine-readable code, a message for people, an HTTP status.

HTTP turns it into `{"error": {"code", "message"}}` in one handler (hub.api.app); the
WebSocket turns it into an error frame. Nothing else catches it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    bad_request = "bad_request"
    invalid_json = "invalid_json"
    validation_failed = "validation_failed"
    unknown_frame_type = "unknown_frame_type"
    frame_too_large = "frame_too_large"
    message_too_long = "message_too_long"
    not_authenticated = "not_authenticated"
    invalid_credentials = "invalid_credentials"
    account_deactivated = "account_deactivated"
    too_many_attempts = "too_many_attempts"
    rate_limited = "rate_limited"
    forbidden = "forbidden"
    origin_not_allowed = "origin_not_allowed"
    not_found = "not_found"
    method_not_allowed = "method_not_allowed"
    channel_not_found = "channel_not_found"
    message_not_found = "message_not_found"
    person_not_found = "person_not_found"
    channel_archived = "channel_archived"
    not_a_member = "not_a_member"
    already_exists = "already_exists"
    conflict = "conflict"
    card_invalid = "card_invalid"
    card_stale = "card_stale"
    unknown_command = "unknown_command"
    unknown_action = "unknown_action"
    bot_failed = "bot_failed"
    bot_timeout = "bot_timeout"
    payload_too_large = "payload_too_large"
    unavailable = "unavailable"
    internal = "internal"


_STATUS: dict[ErrorCode, int] = {
    ErrorCode.not_authenticated: 401,
    ErrorCode.invalid_credentials: 401,
    ErrorCode.account_deactivated: 403,
    ErrorCode.too_many_attempts: 429,
    ErrorCode.rate_limited: 429,
    ErrorCode.forbidden: 403,
    ErrorCode.origin_not_allowed: 403,
    ErrorCode.not_a_member: 403,
    ErrorCode.not_found: 404,
    ErrorCode.method_not_allowed: 405,
    ErrorCode.channel_not_found: 404,
    ErrorCode.message_not_found: 404,
    ErrorCode.person_not_found: 404,
    ErrorCode.channel_archived: 409,
    ErrorCode.already_exists: 409,
    ErrorCode.conflict: 409,
    ErrorCode.card_invalid: 422,
    ErrorCode.card_stale: 409,
    ErrorCode.unknown_command: 404,
    ErrorCode.unknown_action: 404,
    ErrorCode.bot_failed: 502,
    ErrorCode.bot_timeout: 504,
    ErrorCode.payload_too_large: 413,
    ErrorCode.frame_too_large: 413,
    ErrorCode.message_too_long: 413,
    ErrorCode.unavailable: 503,
    ErrorCode.internal: 500,
}


class HubError(Exception):
    """An error the person or client can act on. `code` is stable; `message` says what to do."""

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        *,
        status: int | None = None,
        headers: dict[str, str] | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or _STATUS.get(code, 400)
        self.headers = headers or {}
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code.value, "message": self.message}
        if self.details:
            body["details"] = self.details
        return body


def channel_not_found(channel_id: int) -> HubError:
    # Same answer for "does not exist" and "exists but you may not see it": a guest
    # must not learn that a channel is there.
    return HubError(ErrorCode.channel_not_found, f"No channel {channel_id} that you can see.")


def message_not_found(message_id: int) -> HubError:
    return HubError(ErrorCode.message_not_found, f"No message {message_id} that you can see.")


def person_not_found(person_id: int | str) -> HubError:
    return HubError(ErrorCode.person_not_found, f"No person {person_id} that you can see.")
