"""The `testbot` fixture: drives bots end to end through the real runtime in a real hub process.

    async def test_poll(testbot):
        answer = await testbot.command('/poll "Lunch?" Noodles Dumplings')
        card = answer.json()["messages"][0]
        await testbot.click(card, "vote_0", as_="carol")

Commands and clicks go over the HTTP API as seeded people (alice is an admin; bob and
carol are staff; gina is a partner guest); `await testbot.watch("bob")` gives a real
WebSocket client that sees what bob sees.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import PASSWORD, Client, HubProcess, Seed, running_hub, ticket_for

SAMPLE_BOT = "tests.bots.samplebot:bot"


class TestBot:
    __test__ = False  # not a test class, for pytest

    def __init__(self, hub: HubProcess, seed: Seed) -> None:
        self.hub = hub
        self.seed = seed
        self._http: dict[str, httpx.AsyncClient] = {}
        self._watchers: list[Client] = []

    async def as_(self, username: str) -> httpx.AsyncClient:
        """An HTTP client signed in as `username` with a bearer token."""
        if username not in self._http:
            client = httpx.AsyncClient(base_url=self.hub.base, timeout=30)
            response = await client.post(
                "/api/v1/auth/sign-in",
                json={"username": username, "password": PASSWORD, "client": "api"},
            )
            assert response.status_code == 200, response.text
            client.headers["Authorization"] = f"Bearer {response.json()['token']}"
            self._http[username] = client
        return self._http[username]

    def channel(self, name: str) -> int:
        return self.seed.channels[name]

    async def command(
        self, text: str, *, as_: str = "bob", channel: str = "general"
    ) -> httpx.Response:
        client = await self.as_(as_)
        return await client.post(
            f"/api/v1/channels/{self.channel(channel)}/commands", json={"text": text}
        )

    async def click(
        self,
        message: dict[str, Any],
        action_id: str,
        *,
        as_: str = "bob",
        values: dict[str, Any] | None = None,
        version: int | None = None,
    ) -> httpx.Response:
        client = await self.as_(as_)
        return await client.post(
            f"/api/v1/messages/{message['id']}/card/actions",
            json={
                "action_id": action_id,
                "version": message["card_version"] if version is None else version,
                "values": values or {},
            },
        )

    async def card(self, message_id: int, *, as_: str = "bob") -> dict[str, Any]:
        response = await (await self.as_(as_)).get(f"/api/v1/messages/{message_id}/card")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def messages(self, channel: str = "general", *, as_: str = "bob") -> list[dict[str, Any]]:
        response = await (await self.as_(as_)).get(
            f"/api/v1/channels/{self.channel(channel)}/messages", params={"limit": 100}
        )
        assert response.status_code == 200, response.text
        messages: list[dict[str, Any]] = response.json()["messages"]
        return messages

    async def watch(self, username: str) -> Client:
        """A live WebSocket client for `username`, synced from the channels' current ends."""
        client = await Client.connect(
            self.hub.ws_url, await ticket_for(self.seed.url, self.seed.id(username))
        )
        self._watchers.append(client)
        return client

    async def close(self) -> None:
        for client in self._http.values():
            await client.aclose()
        for watcher in self._watchers:
            await watcher.close()


@pytest.fixture
async def testbot(seed: Seed, tmp_path: Path) -> AsyncIterator[TestBot]:
    async with running_hub(
        seed.url,
        tmp_path,
        bots=f"poll,{SAMPLE_BOT}",
        bot_handler_timeout_seconds=1,
        timer_poll_seconds=0.2,
    ) as hub:
        bot = TestBot(hub, seed)
        try:
            yield bot
        finally:
            await bot.close()
