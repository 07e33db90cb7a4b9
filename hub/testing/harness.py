"""A real hub, in the test's own process, for testing a bot as the people using it would.

    async with Harness.start(["mybot:bot"], tmp_path) as hub:
        reply = await hub.command("/leave", as_="bob")
        reply = await hub.submit(reply.form, {"days": 2}, as_="bob")
        card = (await hub.direct("pete"))[-1]
        await hub.click(card, "approve", as_="pete")
        await hub.advance(hours=24)  # fires the timers that came due

The hub is the production app under uvicorn on a free port, spoken to over HTTP as each
person of the org chart in hub.testing.orgchart (signed in with their own tokens), so
permissions, cards and transactions are the real ones. The clock is controlled: bots see
`ctx.now` stand still until `advance`, which then fires every timer due by the new time
and returns once they have all finished. The rest of the hub (sessions, message times)
keeps real time.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
import uvicorn
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.actions.channels import CreateChannel, direct_key
from hub.app import create_app
from hub.auth.tokens import issue_token
from hub.bots.registry import enabled_bots
from hub.config import Settings
from hub.db import create_engine, create_sessionmaker
from hub.migrate import upgrade
from hub.models import Department, Person, channel_table
from hub.state import HubState
from hub.testing.clock import ControlledClock
from hub.testing.orgchart import (
    SHARED_CHANNEL,
    SHARED_MEMBERS,
    STAFF_CHANNEL,
    seed_org_chart,
)
from hub.timers.models import timer_table

# Monday 7 December 2026, 09:00 in Shanghai: a working day, so workday sums start simply.
DEFAULT_START = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
_SECRET = "hub-testing-secret-key"
# Rounds of "fire what is due" before advance() gives up: a timer that keeps itself due
# (rescheduling at now) would otherwise never let the clock settle.
_MAX_ROUNDS = 50


class HarnessError(AssertionError):
    """Something a test asked of the harness cannot be done; the message says why."""


@dataclass(frozen=True)
class Reply:
    """What the hub answered: the status, the body, and what the bot did (for a 200)."""

    status_code: int
    body: dict[str, Any]

    @property
    def ok(self) -> bool:
        return self.status_code < 400

    @property
    def error(self) -> dict[str, Any] | None:
        """The error (`code`, `message`, and `field` for one input) of a refused request."""
        error: dict[str, Any] | None = self.body.get("error")
        return error

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The messages the bot posted, as the hub sends them."""
        return list(self.body.get("messages", []))

    @property
    def message(self) -> dict[str, Any]:
        """The card acted on, as it is after the action."""
        return self._one("message", self.body.get("message"))

    @property
    def forms(self) -> list[dict[str, Any]]:
        return list(self.body.get("forms", []))

    @property
    def form(self) -> dict[str, Any]:
        """The one form the bot opened for the person (`form_id`, `card`)."""
        return self._one("form", self.forms[0] if len(self.forms) == 1 else None)

    @property
    def replies(self) -> list[dict[str, Any]]:
        """Private replies to the person (`reply_private`, refusals)."""
        return list(self.body.get("replies", []))

    def _one(self, what: str, found: dict[str, Any] | None) -> dict[str, Any]:
        if found is None:
            raise HarnessError(f"the reply has no single {what}: {self.status_code} {self.body}")
        return found


class Harness:
    def __init__(
        self,
        state: HubState,
        base_url: str,
        clock: ControlledClock,
        people: dict[str, Person],
        departments: dict[str, Department],
        channels: dict[str, int],
    ) -> None:
        self._state = state
        self.base_url = base_url
        self.ws_url = base_url.replace("http://", "ws://") + "/ws"
        self.clock = clock
        self.people = people
        self.departments = departments
        self.channels = channels
        self._clients: dict[str, httpx.AsyncClient] = {}

    @classmethod
    @asynccontextmanager
    async def start(
        cls,
        bots: Sequence[str],
        data_dir: Path,
        *,
        database_url: str | None = None,
        now: datetime = DEFAULT_START,
        **settings: Any,
    ) -> AsyncIterator[Harness]:
        """A hub with `bots` enabled (names or `module:attribute`) on an empty database
        (SQLite under `data_dir` unless `database_url` names another), seeded with the org
        chart. `settings` are more hub settings, as in config/hub.toml."""
        url = database_url or f"sqlite+aiosqlite:///{data_dir / 'harness.db'}"
        # Bound here and handed to uvicorn, so no other process can take the port between.
        with socket.socket() as listening:
            listening.bind(("127.0.0.1", 0))
            base_url = f"http://127.0.0.1:{listening.getsockname()[1]}"
            config = Settings(
                database_url=url,
                redis_url=settings.pop("redis_url", None),
                secret_key=SecretStr(_SECRET),
                data_dir=data_dir,
                allowed_origins=[base_url],
                bots=list(bots),
                # The harness fires timers itself (advance); polling would only race it.
                timer_poll_seconds=settings.pop("timer_poll_seconds", 3600.0),
                **settings,
            )
            locations = [b.migrations / "versions" for b in enabled_bots(config) if b.migrations]
            await upgrade(url, extra_locations=locations)
            people, departments = await _seed(url)
            clock = ControlledClock(now)
            app = create_app(config, bot_clock=clock)
            server = uvicorn.Server(
                uvicorn.Config(app, log_level="warning", ws_per_message_deflate=False)
            )
            serving = asyncio.create_task(server.serve([listening]), name="hub-testing-server")
            try:
                while not server.started:
                    if serving.done():
                        serving.result()  # raises what stopped it
                        raise HarnessError("the hub stopped while starting")
                    await asyncio.sleep(0.02)
                harness = cls(app.state.hub, base_url, clock, people, departments, {})
                await harness._create_channels()
                try:
                    yield harness
                finally:
                    await harness._close_clients()
            finally:
                server.should_exit = True
                await serving

    # The org chart

    def person(self, username: str) -> Person:
        try:
            return self.people[username]
        except KeyError:
            raise HarnessError(
                f"no one called {username!r}; the org chart has {', '.join(self.people)}"
            ) from None

    def id(self, username: str) -> int:
        return self.person(username).id or 0

    def channel(self, name: str) -> int:
        try:
            return self.channels[name]
        except KeyError:
            raise HarnessError(
                f"no channel {name!r}; there are {', '.join(self.channels)}"
            ) from None

    @property
    def database(self) -> AsyncEngine:
        """The hub's engine, to look at a bot's own tables."""
        return self._state.engine

    # What people do

    async def command(
        self,
        text: str,
        *,
        as_: str = "bob",
        channel: str = STAFF_CHANNEL,
        thread_root_id: int | None = None,
    ) -> Reply:
        body: dict[str, Any] = {"text": text}
        if thread_root_id is not None:
            body["thread_root_id"] = thread_root_id
        return await self._post(as_, f"/api/v1/channels/{self.channel(channel)}/commands", body)

    async def submit(
        self, form: dict[str, Any] | str, values: dict[str, Any], *, as_: str = "bob"
    ) -> Reply:
        """Submit a form the bot opened (a reply's `form`, or its id) with these values."""
        form_id = form if isinstance(form, str) else form["form_id"]
        return await self._post(as_, f"/api/v1/forms/{form_id}", {"values": values})

    async def click(
        self,
        card: dict[str, Any] | int,
        action: str,
        *,
        as_: str = "bob",
        values: dict[str, Any] | None = None,
        version: int | None = None,
    ) -> Reply:
        """Take `action` on a card (a message, or its id) as `as_` sees it now; `version`
        acts on an older version instead, as a client that has not caught up would."""
        message_id = card if isinstance(card, int) else int(card["id"])
        if version is None:
            view = await self.card(message_id, as_=as_)
            version = int(view["message"]["card_version"])
        return await self._post(
            as_,
            f"/api/v1/messages/{message_id}/card/actions",
            {"action_id": action, "version": version, "values": values or {}},
        )

    async def shortcut(
        self, message: dict[str, Any] | int, bot: str, shortcut: str, *, as_: str = "bob"
    ) -> Reply:
        message_id = message if isinstance(message, int) else int(message["id"])
        return await self._post(
            as_, f"/api/v1/messages/{message_id}/shortcuts", {"bot": bot, "shortcut": shortcut}
        )

    async def send(self, text: str, *, as_: str = "bob", channel: str = STAFF_CHANNEL) -> Reply:
        """Post a plain message, as a person typing it."""
        return await self._post(
            as_, f"/api/v1/channels/{self.channel(channel)}/messages", {"text": text}
        )

    async def upload(
        self, name: str, content: bytes, content_type: str, *, as_: str = "bob"
    ) -> dict[str, Any]:
        """Upload a file as `as_`, for a form's `file` input; returns it (`id`, `url`)."""
        response = await (await self._client(as_)).post(
            "/api/v1/files",
            params={"name": name},
            content=content,
            headers={"Content-Type": content_type},
        )
        if response.status_code != 201:
            raise HarnessError(f"upload as {as_}: {response.status_code} {response.text}")
        file: dict[str, Any] = response.json()
        return file

    async def download(self, file: dict[str, Any] | str, *, as_: str = "bob") -> int:
        """Try to read a file as `as_`; the status (200, or 404 for a file they may not read)."""
        file_id = file if isinstance(file, str) else file["id"]
        response = await (await self._client(as_)).get(f"/api/v1/files/{file_id}")
        return response.status_code

    # What people see

    async def card(self, message_id: int, *, as_: str = "bob") -> dict[str, Any]:
        """The card as `as_` sees it: `message` and the `actions` they may take."""
        return await self._get(as_, f"/api/v1/messages/{message_id}/card")

    async def messages(
        self, channel: str = STAFF_CHANNEL, *, as_: str = "bob"
    ) -> list[dict[str, Any]]:
        """The channel's messages, oldest first."""
        body = await self._get(as_, f"/api/v1/channels/{self.channel(channel)}/messages", limit=100)
        return list(body["messages"])

    async def direct(self, username: str, *, bot: str | None = None) -> list[dict[str, Any]]:
        """The messages between `username` and a bot (the only one enabled, by default),
        as `username` reads them, oldest first."""
        bot_id = self._bot_id(bot)
        key = direct_key([self.id(username), bot_id])
        async with self._state.engine.connect() as conn:
            channel_id = (
                await conn.execute(
                    sa.select(channel_table.c.id).where(channel_table.c.direct_key == key)
                )
            ).scalar_one_or_none()
        if channel_id is None:
            return []
        body = await self._get(username, f"/api/v1/channels/{channel_id}/messages", limit=100)
        return list(body["messages"])

    async def inbox(self, username: str) -> list[dict[str, Any]]:
        """The cards waiting for `username`, newest first (their to-do inbox)."""
        body = await self._get(username, "/api/v1/me/inbox", limit=200)
        return [item["message"] for item in body["items"]]

    async def history(self, message_id: int, *, as_: str = "bob") -> list[dict[str, Any]]:
        """Every action taken on the card, oldest first."""
        body = await self._get(as_, f"/api/v1/messages/{message_id}/card/actions")
        return list(body["actions"])

    async def get(self, path: str, *, as_: str = "bob", **params: Any) -> dict[str, Any]:
        """Any GET of the API as `as_`, for what the helpers above do not cover."""
        return await self._get(as_, path, **params)

    async def post(self, path: str, body: dict[str, Any], *, as_: str = "bob") -> Reply:
        return await self._post(as_, path, body)

    async def request(
        self, method: str, path: str, body: dict[str, Any] | None = None, *, as_: str = "bob"
    ) -> Reply:
        """Any request of the API as `as_` (PUT, PATCH, DELETE...)."""
        response = await (await self._client(as_)).request(method, path, json=body)
        return Reply(response.status_code, response.json() if response.content else {})

    # Out of office

    async def out_of_office(
        self, username: str, *, delegate: str, days: float = 7, starts_in_hours: float = 0
    ) -> Reply:
        """`username` is away for `days` from now (on the harness clock, or `starts_in_hours`
        later) and `delegate` acts for them (PUT /api/v1/me/delegation)."""
        starts = self.now + timedelta(hours=starts_in_hours)
        body = {
            "delegate_id": self.id(delegate),
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(days=days)).isoformat(),
        }
        return await self.request("PUT", "/api/v1/me/delegation", body, as_=username)

    # Time

    @property
    def now(self) -> datetime:
        return self.clock()

    async def advance(
        self, *, days: float = 0, hours: float = 0, minutes: float = 0, seconds: float = 0
    ) -> int:
        """Move the bots' clock on and fire every timer due by then; returns how many fired.

        Returns when they have all finished, their posts and updates committed."""
        self.clock.advance(timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds))
        return await self.fire_due_timers()

    async def fire_due_timers(self) -> int:
        timers = self._state.bots.timers
        fired = 0
        for _ in range(_MAX_ROUNDS):
            fired += await timers.sweep()
            if not await self._timers_unsettled():
                return fired
            # Another sweep (the start-up one, or a wake-up) holds some; let it finish.
            await asyncio.sleep(0.02)
        raise HarnessError(
            f"timers were still due after {_MAX_ROUNDS} rounds: one keeps rescheduling itself at now"
        )

    async def ws_ticket(self, username: str) -> str:
        """A WebSocket ticket for `username`, to watch the events they receive live."""
        async with create_sessionmaker(self._state.engine)() as session:
            return await issue_token(
                session, self._state.secret, self.id(username), "ws_ticket", timedelta(minutes=10)
            )

    # Plumbing

    def _bot_id(self, bot: str | None) -> int:
        loaded = self._state.bots.bots
        if bot is None:
            if len(loaded) != 1:
                raise HarnessError(
                    f"{len(loaded)} bots are enabled: name one with bot=, of "
                    f"{', '.join(b.bot.name for b in loaded)}"
                )
            return loaded[0].person_id
        for candidate in loaded:
            if candidate.bot.name == bot:
                return candidate.person_id
        raise HarnessError(f"no bot {bot!r} is enabled")

    async def _timers_unsettled(self) -> bool:
        t = timer_table.c
        async with self._state.engine.connect() as conn:
            busy = await conn.execute(
                sa.select(sa.func.count())
                .select_from(timer_table)
                .where(
                    sa.or_(
                        t.status == "running",
                        sa.and_(t.status == "pending", t.due_at <= self.clock()),
                    )
                )
            )
            return bool(busy.scalar_one())

    async def _client(self, username: str) -> httpx.AsyncClient:
        if username not in self._clients:
            async with create_sessionmaker(self._state.engine)() as session:
                token = await issue_token(
                    session, self._state.secret, self.id(username), "bearer", timedelta(days=30)
                )
            self._clients[username] = httpx.AsyncClient(
                base_url=self.base_url,
                timeout=30,
                headers={"Authorization": f"Bearer {token}"},
            )
        return self._clients[username]

    async def _post(self, username: str, path: str, body: dict[str, Any]) -> Reply:
        response = await (await self._client(username)).post(path, json=body)
        return Reply(response.status_code, response.json() if response.content else {})

    async def _get(self, username: str, path: str, **params: Any) -> dict[str, Any]:
        response = await (await self._client(username)).get(path, params=params)
        if response.status_code != 200:
            raise HarnessError(f"GET {path} as {username}: {response.status_code} {response.text}")
        body: dict[str, Any] = response.json()
        return body

    async def _create_channels(self) -> None:
        staff = [p for p in self.people.values() if p.kind == "member"]
        admin = self.person("alice")
        general = await self._state.writer.submit(
            CreateChannel(
                kind="public",
                creator=admin,
                members=[p for p in staff if p is not admin],
                name=STAFF_CHANNEL,
            )
        )
        shared = await self._state.writer.submit(
            CreateChannel(
                kind="private",
                creator=admin,
                members=[self.person(name) for name in SHARED_MEMBERS if name != "alice"],
                name=SHARED_CHANNEL,
                shared=True,
            )
        )
        self.channels.update({STAFF_CHANNEL: general.id, SHARED_CHANNEL: shared.id})

    async def _close_clients(self) -> None:
        for client in self._clients.values():
            await client.aclose()


async def _seed(url: str) -> tuple[dict[str, Person], dict[str, Department]]:
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            return await seed_org_chart(session)
    finally:
        await engine.dispose()
