"""`Bot`: what a bot declares (its manifest) and the handlers it marks with decorators.

    bot = Bot.from_manifest(Path(__file__).with_name("manifest.toml"))

    @bot.command("poll", usage='"Question" option option ...', description="Start a poll")
    async def start_poll(ctx: CommandContext) -> None: ...

The hub finds a `Bot` through the `hub.bots` entry-point group and runs its handlers
(hub.bots.runtime). A bot never imports the hub's internals: everything it may do is on
the context its handlers receive (hub.botkit.context). See docs/bots.md.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

if TYPE_CHECKING:
    from hub.botkit.context import (
        ActionContext,
        AppContext,
        CommandContext,
        EventContext,
        FormContext,
        ShortcutContext,
        TimerContext,
    )

BOT_NAME = re.compile(r"^[a-z][a-z0-9_-]{1,39}$")
# A bot's own webhook event: dotted lowercase words, "approval.completed".
EMITTED_EVENT = re.compile(r"^[a-z][a-z0-9_]{0,29}(\.[a-z][a-z0-9_]{0,29}){1,3}$")
COMMAND_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
HANDLER_NAME = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
EventName = Literal[
    "message",
    "reaction.added",
    "reaction.removed",
    "member.joined",
    "member.left",
    "person.deactivated",
]
EVENT_NAMES: frozenset[str] = frozenset(
    {
        "message",
        "reaction.added",
        "reaction.removed",
        "member.joined",
        "member.left",
        "person.deactivated",
    }
)
Text = str | Mapping[str, str]  # plain, or per language: {"en": ..., "zh-CN": ...}

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])
CommandHandler = Callable[["CommandContext"], Awaitable[Any]]
ActionHandler = Callable[["ActionContext"], Awaitable[dict[str, Any] | None]]
FormHandler = Callable[["FormContext"], Awaitable[Any]]
EventHandler = Callable[["EventContext"], Awaitable[Any]]
TimerHandler = Callable[["TimerContext"], Awaitable[Any]]
ShortcutHandler = Callable[["ShortcutContext"], Awaitable[Any]]
AppHandler = Callable[["AppContext"], Awaitable[Any]]
# An app route's path below /api/v1/apps/<bot>: segments of letters, digits, - _ . and
# Starlette parameters such as {poll_id:int}.
APP_PATH = re.compile(r"^(/([a-z0-9_.-]+|\{[a-z_][a-z0-9_]*(:int|:str)?\}))+$")
APP_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})


def localized(text: Text, locale: str = "en") -> str:
    """`text` in `locale` (zh-CN, en), falling back to English, then to any language."""
    if isinstance(text, str):
        return text
    language = locale.split("-")[0]
    for key in (locale, language, "en", "zh-CN"):
        if key in text:
            return text[key]
    return next(iter(text.values()), "")


@dataclass(frozen=True)
class Command:
    name: str
    handler: CommandHandler
    usage: str = ""
    description: Text = ""


@dataclass(frozen=True)
class EmittedEvent:
    """An event type a bot sends to outgoing webhooks with `ctx.emit` (manifest `[events]`)."""

    name: str
    description: Text = ""
    example: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Shortcut:
    """An entry in a message's menu ("Make this a task"); its handler receives the message."""

    name: str
    handler: ShortcutHandler
    label: Text


@dataclass(frozen=True)
class AppRoute:
    """An HTTP route of a bot's app, served at /api/v1/apps/<bot><path> (docs/apps.md).

    `body` and `response` are pydantic models: the body is checked against `body` before
    the handler runs (422 naming the field), and both appear in /openapi.json.
    """

    path: str
    method: str
    handler: AppHandler
    guests: bool = False
    body: Any = None
    response: Any = None

    @property
    def summary(self) -> str:
        doc = (self.handler.__doc__ or "").strip()
        return doc.splitlines()[0] if doc else f"{self.method} {self.path}"


@dataclass(frozen=True)
class AppPage:
    """A bot's web page (manifest `[app]`, files in `web/`), listed in the client's sidebar."""

    title: Text
    icon: str | None = None
    web: Path | None = None
    guests: bool = False


@dataclass
class Bot:
    """A bot's manifest and handlers. `name` is also the username of its bot user."""

    name: str
    display_name: Text = ""
    description: Text = ""
    avatar: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    migrations: Path | None = None
    commands: dict[str, Command] = field(default_factory=dict)
    actions: list[tuple[str, ActionHandler]] = field(default_factory=list)
    forms: dict[str, FormHandler] = field(default_factory=dict)
    events: dict[str, list[EventHandler]] = field(default_factory=dict)
    timers: dict[str, TimerHandler] = field(default_factory=dict)
    emits: dict[str, EmittedEvent] = field(default_factory=dict)
    shortcuts: dict[str, Shortcut] = field(default_factory=dict)
    routes: list[AppRoute] = field(default_factory=list)
    app: AppPage | None = None

    def __post_init__(self) -> None:
        if not BOT_NAME.match(self.name):
            raise ValueError(
                f"Bot name {self.name!r} is not valid: use 2-40 lowercase letters, digits, - or _,"
                " starting with a letter (it becomes the bot's username)."
            )
        for name in self.emits:
            _check_emitted_name(name)
        if not self.display_name:
            self.display_name = self.name.title()

    @classmethod
    def from_manifest(cls, path: Path | str) -> Bot:
        """Read `manifest.toml`: name, display_name, description, avatar, [settings], migrations."""
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise FileNotFoundError(
                f'No bot manifest at {path}; create it with at least `name = "..."`.'
            ) from None
        allowed = {
            "name",
            "display_name",
            "description",
            "avatar",
            "settings",
            "migrations",
            "events",
            "app",
            "web",
        }
        unknown = set(data) - allowed
        if unknown:
            raise ValueError(
                f"{path}: unknown keys {sorted(unknown)}; a manifest may have {sorted(allowed)}."
            )
        if "name" not in data:
            raise ValueError(f'{path}: the manifest needs `name = "..."`.')
        migrations = data.get("migrations")
        return cls(
            name=data["name"],
            display_name=data.get("display_name", ""),
            description=data.get("description", ""),
            avatar=data.get("avatar"),
            settings=dict(data.get("settings", {})),
            migrations=(path.parent / migrations) if migrations else None,
            emits=_emitted_events(path, data.get("events", {})),
            app=_app_page(path, data),
        )

    def declare_event(
        self, name: str, *, description: Text = "", example: dict[str, Any] | None = None
    ) -> None:
        """Declare a webhook event this bot emits (what a manifest's `[events]` does)."""
        _check_emitted_name(name)
        self.emits[name] = EmittedEvent(name, description, dict(example or {}))

    # Decorators

    def command(self, name: str, *, usage: str = "", description: Text = "") -> Callable[[F], F]:
        """`/name args` typed in any channel runs the handler."""
        if not COMMAND_NAME.match(name):
            raise ValueError(
                f"Command name {name!r} is not valid: 1-32 lowercase letters, digits, - or _."
            )
        if name in self.commands or name == "help":
            raise ValueError(f"/{name} is already taken in bot {self.name!r} (or is built in).")

        def mark(handler: F) -> F:
            self.commands[name] = Command(name, handler, usage, description)
            return handler

        return mark

    def action(self, pattern: str) -> Callable[[F], F]:
        """A click on a card button (or a card form sent with it) whose action id matches.

        `pattern` is an action id or a glob: `@bot.action("vote_*")` takes vote_0, vote_1...
        The handler returns the card's new content, or None to leave it as it is.
        """
        if not pattern or len(pattern) > 50:
            raise ValueError("An action pattern is 1-50 characters: an action id or a glob.")

        def mark(handler: F) -> F:
            self.actions.append((pattern, handler))
            return handler

        return mark

    def form(self, name: str) -> Callable[[F], F]:
        """The submission of a form this bot opened with `ctx.open_form(card, handler=name)`."""
        self._check_handler_name(name, self.forms)

        def mark(handler: F) -> F:
            self.forms[name] = handler
            return handler

        return mark

    def on(self, event: EventName) -> Callable[[F], F]:
        """Events: "message" (in channels the bot is in, and direct messages to it),
        "reaction.added" / "reaction.removed" and "member.joined" / "member.left" in those
        channels, and "person.deactivated" anywhere in the organisation."""
        if event not in EVENT_NAMES:
            raise ValueError(f"Unknown event {event!r}; bots can listen to {sorted(EVENT_NAMES)}.")

        def mark(handler: F) -> F:
            self.events.setdefault(event, []).append(handler)
            return handler

        return mark

    def shortcut(self, name: str, *, label: Text) -> Callable[[F], F]:
        """An entry in every message's menu, labelled `label` ("Make this a task" /
        "转为任务"); the handler gets the message as `ctx.message`."""
        self._check_handler_name(name, self.shortcuts)
        if not label:
            raise ValueError(f"Shortcut {name!r} needs a label people read in the message menu.")

        def mark(handler: F) -> F:
            self.shortcuts[name] = Shortcut(name, handler, label)
            return handler

        return mark

    def route(
        self,
        path: str,
        *,
        methods: list[str] | tuple[str, ...] = ("GET",),
        guests: bool = False,
        body: Any = None,
        response: Any = None,
    ) -> Callable[[F], F]:
        """An HTTP route of this bot's app at /api/v1/apps/<bot><path>, for signed-in staff
        (and guests when `guests=True`). The handler gets an AppContext and returns JSON-able
        data; its docstring's first line is the operation's summary in /openapi.json."""
        if not APP_PATH.match(path):
            raise ValueError(
                f"App route path {path!r} is not valid: start with /, use lowercase letters,"
                " digits, - _ . and parameters like {poll_id:int}."
            )
        wrong = {method.upper() for method in methods} - APP_METHODS
        if not methods or wrong:
            raise ValueError(f"App route methods are some of {sorted(APP_METHODS)}, not {wrong}.")

        def mark(handler: F) -> F:
            for method in methods:
                if any(r.path == path and r.method == method.upper() for r in self.routes):
                    raise ValueError(
                        f"{method.upper()} {path} is already a route of {self.name!r}."
                    )
                self.routes.append(
                    AppRoute(path, method.upper(), handler, guests, body=body, response=response)
                )
            return handler

        return mark

    def timer(self, name: str) -> Callable[[F], F]:
        """A timer handler, run when a timer scheduled with `ctx.schedule(name, ...)` is due."""
        self._check_handler_name(name, self.timers)

        def mark(handler: F) -> F:
            self.timers[name] = handler
            return handler

        return mark

    # Lookups used by the runtime

    def action_handler(self, action_id: str) -> ActionHandler | None:
        for pattern, handler in self.actions:
            if pattern == action_id:
                return handler
        for pattern, handler in self.actions:
            if fnmatch.fnmatchcase(action_id, pattern):
                return handler
        return None

    def _check_handler_name(self, name: str, taken: Mapping[str, Any]) -> None:
        if not HANDLER_NAME.match(name):
            raise ValueError(
                f"Handler name {name!r} is not valid: 1-50 lowercase letters, digits or _."
            )
        if name in taken:
            raise ValueError(f"{name!r} is already registered in bot {self.name!r}.")


CORE_EVENTS = frozenset({"message.new", "card.action"})


def _check_emitted_name(name: str) -> None:
    if not EMITTED_EVENT.match(name):
        raise ValueError(
            f"Event name {name!r} is not valid: dotted lowercase words like"
            ' "approval.completed" (2-4 parts, letters, digits and _).'
        )
    if name in CORE_EVENTS:
        raise ValueError(
            f"{name!r} is one of the hub's own events; name the bot's event otherwise."
        )


def _emitted_events(path: Path, table: object) -> dict[str, EmittedEvent]:
    """`[events."approval.completed"]` tables: a description and an example payload each."""
    if not isinstance(table, dict):
        raise ValueError(f'{path}: `events` is a table of event types, [events."name.done"].')
    found = {}
    for name, spec in table.items():
        if not isinstance(spec, dict) or set(spec) - {"description", "example"}:
            raise ValueError(
                f"{path}: [events.{name!r}] may have `description` and `example` (a table)."
            )
        example = spec.get("example", {})
        if not isinstance(example, dict):
            raise ValueError(f"{path}: [events.{name!r}] `example` is a table (the event's data).")
        _check_emitted_name(name)
        found[name] = EmittedEvent(name, spec.get("description", ""), example)
    return found


def _app_page(path: Path, data: dict[str, Any]) -> AppPage | None:
    """`[app] title = {...}, icon = "📊"` and the `web` folder (default `web/` beside the
    manifest, if there is one): the bot's page in the web client (docs/apps.md)."""
    table = data.get("app")
    web_name = data.get("web")
    if table is None:
        if web_name is not None:
            raise ValueError(f"{path}: `web` needs an `[app]` table with a `title`.")
        return None
    if (
        not isinstance(table, dict)
        or "title" not in table
        or set(table) - {"title", "icon", "guests"}
    ):
        raise ValueError(
            f"{path}: [app] has a `title` (text or map) and may have `icon`, `guests`."
        )
    web = path.parent / (web_name or "web")
    if not (web / "index.js").is_file():
        raise ValueError(f"{path}: the app's page needs {web / 'index.js'} exporting mount().")
    return AppPage(
        title=table["title"], icon=table.get("icon"), web=web, guests=bool(table.get("guests"))
    )
