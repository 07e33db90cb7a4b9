"""The bot API: what a bot package imports. `from hub.botkit import Bot, CommandContext`.

See docs/bots.md for a working bot in about 30 lines and the whole context API. A bot's
own tables use `UtcDateTime` for times and `utcnow` for their defaults, like the hub's.
"""

from hub.botkit.bot import AppRoute, Bot, Command, Shortcut, localized
from hub.botkit.context import (
    ActionContext,
    AppContext,
    AppRequest,
    BotError,
    CardActionInfo,
    CommandContext,
    Context,
    DepartmentInfo,
    EventContext,
    FileInfo,
    FormContext,
    PersonInfo,
    ShortcutContext,
    TimerContext,
    TimerInfo,
)
from hub.models import UtcDateTime, utcnow

__all__ = [
    "ActionContext",
    "AppContext",
    "AppRequest",
    "AppRoute",
    "Bot",
    "BotError",
    "CardActionInfo",
    "Command",
    "Shortcut",
    "CommandContext",
    "Context",
    "DepartmentInfo",
    "EventContext",
    "FileInfo",
    "FormContext",
    "PersonInfo",
    "ShortcutContext",
    "TimerContext",
    "TimerInfo",
    "UtcDateTime",
    "localized",
    "utcnow",
]
