"""Running one bot handler: one transaction, a time limit, and a clear error when it fails.

Everything the handler does through its context is written on the transaction's
connection (hub.bots.session); it commits only if the handler returns in time. On any
failure it is rolled back, the traceback is logged for the admin, and the person gets an
error that says nothing was kept. Publishing after the commit is the runtime's part.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from hub import metrics
from hub.botkit.context import BotError
from hub.bots.registry import LoadedBot
from hub.bots.session import BotSession
from hub.cards.text import DEFAULT_LOCALE
from hub.errors import ErrorCode, HubError
from hub.models import Person

if TYPE_CHECKING:
    from hub.bots.services import BotServices

log = logging.getLogger(__name__)
T = TypeVar("T")


class Stale(Exception):
    """The card moved on between the check and the claim; answered after the rollback."""


async def run_handler(
    services: BotServices,
    loaded: LoadedBot,
    body: Callable[[BotSession], Awaitable[T]],
    *,
    what: str,
    invoker: Person | None,
    channel_id: int | None,
    ref: str | None = None,
) -> tuple[T, BotSession]:
    limit = services.settings.bot_handler_timeout_seconds
    name = loaded.bot.name
    async with services.engine.connect() as conn:
        transaction = await conn.begin()
        session = BotSession(
            services,
            bot_name=name,
            bot_person=loaded.person,
            conn=conn,
            invoker_id=invoker.id if invoker else None,
            channel_id=channel_id,
            ref=ref,
            emits=frozenset(loaded.bot.emits),
        )
        try:
            async with asyncio.timeout(limit):
                result = await body(session)
                await session.db.flush()
            await transaction.commit()
        except TimeoutError:
            await transaction.rollback()
            metrics.bot_failures.labels(bot=name, reason="timeout").inc()
            log.error("bot %s: %s took longer than %.1f s and was stopped", name, what, limit)
            raise HubError(
                ErrorCode.bot_timeout,
                f"The {name} bot took longer than {limit:g} s on {what} and was stopped; "
                "nothing it did was kept. Try again, or tell an admin if it keeps happening.",
            ) from None
        except (HubError, Stale):
            await transaction.rollback()
            raise
        except BotError as error:
            await transaction.rollback()
            # In the language of the person refused (a bot may give a map of languages).
            locale = invoker.locale if invoker else DEFAULT_LOCALE
            if error.field is None:
                raise HubError(ErrorCode.bad_request, error.text_in(locale)) from None
            raise HubError(
                ErrorCode.validation_failed, error.text_in(locale), details={"field": error.field}
            ) from None
        except Exception:
            await transaction.rollback()
            metrics.bot_failures.labels(bot=name, reason="error").inc()
            log.exception("bot %s failed on %s", name, what)
            raise HubError(
                ErrorCode.bot_failed,
                f"The {name} bot failed on {what}; nothing it did was kept. "
                "The error is logged for an admin.",
            ) from None
        finally:
            await session.db.close()
    return result, session


async def run_without_bot(
    services: BotServices,
    body: Callable[[BotSession], Awaitable[T]],
    person: Person,
    channel_id: int | None,
    ref: str | None,
) -> tuple[T, BotSession]:
    """The same transaction with no handler in it (an action on an external bot's card)."""
    async with services.engine.connect() as conn, conn.begin():
        session = BotSession(
            services,
            bot_name="",
            bot_person=person,
            conn=conn,
            invoker_id=person.id,
            channel_id=channel_id,
            ref=ref,
        )
        result = await body(session)
    return result, session
