"""Integration test helpers: a real HTTP receiver for outgoing webhooks, bot people, API clients."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from hub.actions.channels import AddMembers
from hub.bus import EventBus
from hub.db import create_engine, create_sessionmaker
from hub.models import Person
from hub.writer import Writer
from tests.support import WAIT, Seed, bearer_for, free_port, wait_for


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    answered: int


@dataclass
class Receiver:
    """An HTTP server in the test process that records every POST and answers from a script."""

    url: str
    requests: list[Received] = field(default_factory=list)
    # Status codes to answer, in order; once the script runs out, 200.
    script: list[int] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def wait_for(self, count: int, timeout: float = WAIT) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.requests) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{len(self.requests)} of {count} webhook requests arrived")
            self.arrived.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(self.arrived.wait(), min(remaining, 0.5))
        return self.requests


@asynccontextmanager
async def receiving() -> AsyncIterator[Receiver]:
    port = free_port()
    receiver = Receiver(url=f"http://127.0.0.1:{port}/hook")

    async def hook(request: Request) -> Response:
        body = await request.body()
        status = receiver.script.pop(0) if receiver.script else 200
        receiver.requests.append(Received(dict(request.headers), body, status))
        receiver.arrived.set()
        return PlainTextResponse("thanks" if status < 300 else "nope", status_code=status)

    app = Starlette(routes=[Route("/hook", hook, methods=["POST"])])
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    await wait_for(lambda: server.started, what="the webhook receiver to start")
    try:
        yield receiver
    finally:
        server.should_exit = True
        await task


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with receiving() as r:
        yield r


async def make_bot(seed: Seed, username: str, channels: tuple[int, ...] = ()) -> Person:
    """A bot person (what the lead's POST /api/v1/bots makes), optionally in some channels."""
    engine = create_engine(seed.url)
    try:
        async with create_sessionmaker(engine)() as session:
            bot = Person(
                org_id=seed.people["alice"].org_id,
                username=username,
                display_name=username.upper(),
                kind="bot",
            )
            session.add(bot)
            await session.commit()
            await session.refresh(bot)
        writer = Writer(engine, EventBus())
        await writer.start()
        try:
            for channel_id in channels:
                await writer.submit(AddMembers(channel_id, [bot], by_id=seed.id("alice")))
        finally:
            await writer.stop()
        seed.people[username] = bot
        return bot
    finally:
        await engine.dispose()


async def api_client(seed: Seed, username: str, base: str) -> httpx.AsyncClient:
    """A bearer-token client for `username` against a running hub."""
    token = await bearer_for(seed, username)
    return httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"})


async def post_message(client: httpx.AsyncClient, channel_id: int, text: str, cmid: str) -> int:
    response = await client.post(
        f"/api/v1/channels/{channel_id}/messages", json={"text": text, "client_msg_id": cmid}
    )
    assert response.status_code == 201, response.text
    message_id: int = response.json()["message"]["id"]
    return message_id
