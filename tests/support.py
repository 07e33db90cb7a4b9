"""Test helpers: a real hub server in its own process, real WebSocket clients, seed data."""

from __future__ import annotations

import asyncio
import inspect
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import orjson
import websockets
from sqlmodel import SQLModel

from hub.actions.channels import CreateChannel
from hub.auth.passwords import hash_password
from hub.auth.tokens import issue_token
from hub.bus import EventBus
from hub.db import create_engine, create_sessionmaker
from hub.migrate import upgrade
from hub.models import Org, Person
from hub.writer import Writer

ROOT = Path(__file__).resolve().parent.parent
SECRET = "test-secret-key"
PASSWORD = "correct horse battery"


# Seconds any wait in the suite allows: generous, so that a busy machine makes the suite
# slower, never red. Waits end as soon as their condition holds, so the margin costs nothing.
WAIT = 30.0

T = TypeVar("T")


async def wait_for(
    condition: Callable[[], T | Awaitable[T]], *, timeout: float = WAIT, what: str = ""
) -> T:
    """Poll `condition` (sync or async) until it returns something truthy, and return that.

    Every wait in the suite waits for a condition, never for a length of time: a sleep is
    too short on a busy machine and wasted on an idle one. For "X must not happen", wait for
    a later condition that proves the moment for X has passed."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return result  # type: ignore[return-value]
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:g} s for {what or condition.__name__}")
        await asyncio.sleep(0.05)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Seed:
    url: str
    people: dict[str, Person] = field(default_factory=dict)
    channels: dict[str, int] = field(default_factory=dict)

    def id(self, username: str) -> int:
        return self.people[username].id or 0


async def seed_database(url: str, *, members: int = 0) -> Seed:
    """A home org with alice (admin), bob, carol; a partner org with guest gina; some channels."""
    await upgrade(url)
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    seed = Seed(url)
    password_hash = hash_password(PASSWORD)
    async with sessions() as session:
        home = Org(name="Galaxy Tech", kind="home")
        partner = Org(name="South China Supply", kind="partner")
        session.add_all([home, partner])
        await session.commit()
        specs: list[tuple[str, str, str, list[str], int]] = [
            ("alice", "Alice 王", "member", ["admin"], home.id or 0),
            ("bob", "Bob 李", "member", [], home.id or 0),
            ("carol", "Carol 陈", "member", [], home.id or 0),
            ("gina", "Gina 供应商", "guest", [], partner.id or 0),
        ]
        specs += [(f"user{i:03d}", f"User {i}", "member", [], home.id or 0) for i in range(members)]
        for username, name, kind, roles, org_id in specs:
            person = Person(
                org_id=org_id,
                username=username,
                display_name=name,
                kind=kind,
                roles=roles,
                password_hash=password_hash,
            )
            session.add(person)
            seed.people[username] = person
        await session.commit()
        for person in seed.people.values():
            await session.refresh(person)
    writer = Writer(engine, EventBus())
    await writer.start()
    p = seed.people
    general = await writer.submit(
        CreateChannel(
            kind="public", creator=p["alice"], members=[p["bob"], p["carol"]], name="general"
        )
    )
    shared = await writer.submit(
        CreateChannel(
            kind="private",
            creator=p["alice"],
            members=[p["bob"], p["gina"]],
            name="partner-room",
            shared=True,
        )
    )
    secret = await writer.submit(
        CreateChannel(kind="private", creator=p["alice"], members=[p["bob"]], name="internal")
    )
    seed.channels.update(general=general.id, shared=shared.id, internal=secret.id)
    await writer.stop()
    await engine.dispose()
    return seed


async def ticket_for(url: str, person_id: int) -> str:
    return await _token_for(url, person_id, "ws_ticket", timedelta(minutes=10))


async def bearer_for(seed: Seed, username: str) -> str:
    """A bearer token for `username`, as an API client gets from signing in."""
    return await _token_for(seed.url, seed.id(username), "bearer", timedelta(hours=1))


async def _token_for(url: str, person_id: int, kind: Any, lifetime: timedelta) -> str:
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            return await issue_token(session, SECRET.encode(), person_id, kind, lifetime)
    finally:
        await engine.dispose()


async def tickets_for(url: str, person_ids: list[int]) -> list[str]:
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            return [
                await issue_token(session, SECRET.encode(), pid, "ws_ticket", timedelta(minutes=10))
                for pid in person_ids
            ]
    finally:
        await engine.dispose()


class HubProcess:
    """`uvicorn hub.app:create_app` in a child process, as it runs in production."""

    def __init__(
        self,
        database_url: str,
        data_dir: Path,
        *,
        redis_url: str | None = None,
        cwd: Path = ROOT,
        cli: bool = False,
        **settings: Any,
    ) -> None:
        """`cli=True` starts it as `./scripts/serve` does, with the `hub serve` console
        script (from `cwd`), instead of `python -m uvicorn` from the repository."""
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}/ws"
        env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
        env.update(
            HUB_DATABASE_URL=database_url,
            HUB_SECRET_KEY=SECRET,
            HUB_DATA_DIR=str(data_dir),
            HUB_CONFIG=str(data_dir / "no-config.toml"),
            HUB_ALLOWED_ORIGINS=f"http://127.0.0.1:{self.port}",
        )
        if redis_url:
            env["HUB_REDIS_URL"] = redis_url
        for key, value in settings.items():
            env[f"HUB_{key.upper()}"] = str(value)
        self.log_path = data_dir / f"hub-{self.port}.log"
        self._log = self.log_path.open("wb")
        command = [
            str(Path(sys.executable).parent / "hub"),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
        ]
        self.process = subprocess.Popen(
            command
            if cli
            else [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "hub.app:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--ws-max-size",
                "1048576",
                "--ws-per-message-deflate",
                "false",
                # HUB_TEST_WS=websockets runs the suite on uvicorn's other WebSocket stack.
                *(["--ws", os.environ["HUB_TEST_WS"]] if os.environ.get("HUB_TEST_WS") else []),
                "--log-level",
                "warning",
            ],
            cwd=cwd,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    async def wait_ready(self, timeout: float = WAIT) -> None:
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient() as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"hub exited early:\n{self.log_path.read_text()}")
                try:
                    if (await client.get(self.base + "/healthz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
        raise RuntimeError(f"hub did not become ready:\n{self.log_path.read_text()}")

    def stop(self) -> str:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()
        return self.log_path.read_text(errors="replace")


@asynccontextmanager
async def running_hub(
    database_url: str, data_dir: Path, **settings: Any
) -> AsyncIterator[HubProcess]:
    hub = HubProcess(database_url, data_dir, **settings)
    try:
        await hub.wait_ready()
        yield hub
    finally:
        log = hub.stop()
        if "Traceback" in log:
            print(log)


class Client:
    """A real WebSocket client that splits coalesced frames and keeps per-channel cursors."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.cursors: dict[int, int] = {}
        self.hello: dict[str, Any] = {}
        self.synced: dict[str, Any] = {}
        # Frames that arrived before `synced` (the replay), in order.
        self.replayed: list[dict[str, Any]] = []
        self._backlog: list[dict[str, Any]] = []

    @classmethod
    async def connect(
        cls, ws_url: str, ticket: str, *, cursors: dict[int, int] | None = None, sync: bool = True
    ) -> Client:
        ws = await websockets.connect(ws_url, max_size=2**22)
        client = cls(ws)
        await ws.send(orjson.dumps({"type": "auth", "ticket": ticket}).decode())
        client.hello = await client.expect("hello")
        if sync:
            await client.sync(cursors or {})
        return client

    async def sync(self, cursors: dict[int, int]) -> dict[str, Any]:
        ref = uuid.uuid4().hex[:8]
        await self.send(
            {"type": "sync", "cursors": {str(k): v for k, v in cursors.items()}, "ref": ref}
        )
        while True:
            frame = await self.recv()
            if frame.get("type") == "synced" and frame.get("ref") == ref:
                self.synced = frame
                return frame
            self.replayed.append(frame)

    async def send(self, frame: dict[str, Any]) -> None:
        await self.ws.send(orjson.dumps(frame).decode())

    async def recv(self, timeout: float = WAIT) -> dict[str, Any]:
        if not self._backlog:
            text = await asyncio.wait_for(self.ws.recv(), timeout)
            self._backlog = [orjson.loads(part) for part in text.split("\n")]
        frame = self._backlog.pop(0)
        if "seq" in frame and frame.get("type", "").count(".") and "channel_id" in frame:
            self.cursors[frame["channel_id"]] = frame["seq"]
        return frame

    async def expect(self, kind: str, timeout: float = WAIT, **match: Any) -> dict[str, Any]:
        """Read until a frame of `kind` (and matching fields) arrives; earlier frames are kept in `seen`."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no {kind} frame matching {match}")
            frame = await self.recv(remaining)
            if frame.get("type") == kind and all(frame.get(k) == v for k, v in match.items()):
                return frame

    async def expect_any(
        self, kinds: tuple[str, ...], timeout: float = WAIT, **match: Any
    ) -> dict[str, Any]:
        """Read until a frame of one of `kinds` (and matching fields) arrives."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no {kinds} frame matching {match}")
            frame = await self.recv(remaining)
            if frame.get("type") in kinds and all(frame.get(k) == v for k, v in match.items()):
                return frame

    async def close(self) -> None:
        await self.ws.close()


async def count_rows(url: str, table: str, where: str = "1=1", **params: Any) -> int:
    from sqlalchemy import text

    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return int(
                (
                    await conn.execute(text(f"SELECT count(*) FROM {table} WHERE {where}"), params)
                ).scalar_one()
            )
    finally:
        await engine.dispose()


__all__ = ["SQLModel"]


async def create_channel(
    url: str, seed: Seed, creator: str, members: list[str], name: str, kind: str = "public"
) -> int:
    engine = create_engine(url)
    writer = Writer(engine, EventBus())
    await writer.start()
    try:
        channel = await writer.submit(
            CreateChannel(
                kind=kind,  # type: ignore[arg-type]
                creator=seed.people[creator],
                members=[seed.people[m] for m in members],
                name=name,
            )
        )
        seed.channels[name] = channel.id
        return channel.id
    finally:
        await writer.stop()
        await engine.dispose()
