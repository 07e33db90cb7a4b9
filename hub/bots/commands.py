"""Slash commands: reading `/name args`, the built-in /help, and answers for unknown names."""

from __future__ import annotations

import difflib
import re
import shlex
from dataclasses import dataclass

from hub.botkit.bot import localized
from hub.bots.registry import LoadedBot
from hub.errors import ErrorCode, HubError
from hub.wire.inputs import SPACE
from hub.wire.server import Wire

_NAME = "/([A-Za-z][A-Za-z0-9_-]{0,31})"
# Matched on the stripped text; `[\s\S]` rather than `.`, which JSON Schema's regexes
# would not let cross a line break.
COMMAND = re.compile(f"^{_NAME}(?:[{SPACE}]+([\\s\\S]*))?$")
# The same as the document says it of the text before stripping.
COMMAND_TEXT = f"^[{SPACE}]*{_NAME}(?:[{SPACE}]+[\\s\\S]*)?$"
# People type Chinese or curly quotes around a phrase as often as straight ones.
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "「": '"', "」": '"'})


class ShortcutInfo(Wire):
    """A bot's entry in every message's menu, labelled in the asker's language."""

    bot: str
    name: str
    label: str


class CommandInfo(Wire):
    """One slash command, for the client's autocomplete and for /help."""

    name: str
    usage: str
    description: str
    bot: str
    bot_id: int


@dataclass(frozen=True)
class ParsedCommand:
    name: str
    text: str
    args: list[str]


def parse_command(text: str) -> ParsedCommand:
    match = COMMAND.match(text.strip())
    if match is None:
        raise HubError(
            ErrorCode.validation_failed,
            'A command starts with / and a name, like `/poll "Lunch?" Noodles Dumplings`; '
            "type /help to list commands.",
        )
    name = match.group(1).lower()
    rest = (match.group(2) or "").strip()
    try:
        args = shlex.split(rest.translate(_QUOTES))
    except ValueError:
        # An unclosed quote: still useful to the bot, split on spaces.
        args = rest.split()
    return ParsedCommand(name=name, text=rest, args=args)


def command_infos(bots: list[LoadedBot], locale: str = "en") -> list[CommandInfo]:
    infos = [
        CommandInfo(
            name="help",
            usage="",
            description="列出可用的命令" if locale.startswith("zh") else "List the commands",
            bot="hub",
            bot_id=0,
        )
    ]
    for loaded in bots:
        for command in loaded.bot.commands.values():
            infos.append(
                CommandInfo(
                    name=command.name,
                    usage=command.usage,
                    description=localized(command.description, locale),
                    bot=loaded.bot.name,
                    bot_id=loaded.person_id,
                )
            )
    return sorted(infos, key=lambda info: info.name)


def help_text(infos: list[CommandInfo], locale: str = "en") -> str:
    heading = "可用的命令：" if locale.startswith("zh") else "Commands you can use:"
    lines = [heading]
    for info in infos:
        usage = f" {info.usage}" if info.usage else ""
        lines.append(f"- `/{info.name}{usage}`: {info.description}")
    return "\n".join(lines)


def unknown_command(name: str, known: list[str], locale: str = "en") -> HubError:
    """The answer to `/name` when no bot has it, in the person's language."""
    close = difflib.get_close_matches(name, known, n=1)
    if locale.startswith("zh"):
        hint = f"你是想用 /{close[0]} 吗？" if close else ""
        text = f"没有 /{name} 这个命令。{hint}输入 /help 查看可用的命令。"
    else:
        hint = f" Did you mean /{close[0]}?" if close else ""
        text = f"There is no /{name} command.{hint} Type /help to list the commands."
    return HubError(ErrorCode.unknown_command, text)
