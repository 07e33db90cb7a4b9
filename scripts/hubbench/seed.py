"""Fresh hub databases for the bench: people, channels and WebSocket tickets.

People are inserted with SQLModel directly; channels and memberships go through the real
operation (`CreateChannel` on a `Writer`) so the channel log stays consistent.
Tickets are issued in bulk, the same rows `hub.auth.tokens.issue_token` writes, in one
transaction instead of one commit per ticket.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

from hub.actions.channels import CreateChannel
from hub.auth.tokens import token_hash
from hub.bus import EventBus
from hub.db import create_engine, create_sessionmaker
from hub.migrate import upgrade
from hub.models import AuthToken, Org, Person, utcnow
from hub.writer import Writer

TICKET_TTL = timedelta(minutes=30)


@dataclass(frozen=True)
class Seeded:
    person_ids: list[int]
    channels: list[tuple[int, list[int]]]  # (channel id, member person ids)

    def channel_of(self) -> dict[int, int]:
        """Person id -> the (first) channel they are in."""
        found: dict[int, int] = {}
        for channel_id, members in self.channels:
            for person_id in members:
                found.setdefault(person_id, channel_id)
        return found


async def seed(url: str, people: int, channel_sizes: list[int]) -> Seeded:
    """Migrate the empty database at `url`, add `people` members, then one channel per size.

    Channels take consecutive slices of the people, in order.
    """
    if sum(channel_sizes) > people:
        raise ValueError(
            f"channels of {sum(channel_sizes)} members need at least that many people, not {people}"
        )
    await upgrade(url)
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            org = Org(name="Bench Co", kind="home")
            session.add(org)
            await session.commit()
            assert org.id is not None
            persons = [
                Person(
                    org_id=org.id,
                    username=f"bench{i:05d}",
                    display_name=f"Bench {i}",
                    kind="member",
                )
                for i in range(people)
            ]
            session.add_all(persons)
            await session.commit()
        writer = Writer(engine, EventBus())  # no subscribers: nobody is connected while seeding
        await writer.start()
        channels: list[tuple[int, list[int]]] = []
        try:
            start = 0
            for number, size in enumerate(channel_sizes):
                members = persons[start : start + size]
                start += size
                out = await writer.submit(
                    CreateChannel(
                        kind="public", creator=members[0], members=members, name=f"bench-{number}"
                    )
                )
                channels.append((out.id, [p.id for p in members if p.id is not None]))
        finally:
            await writer.stop()
        return Seeded([p.id for p in persons if p.id is not None], channels)
    finally:
        await engine.dispose()


async def issue_tickets(url: str, secret: bytes, person_ids: list[int]) -> list[str]:
    """One single-use WebSocket ticket per entry of `person_ids` (repeats allowed)."""
    engine = create_engine(url)
    try:
        tickets = [secrets.token_urlsafe(32) for _ in person_ids]
        now = utcnow()
        async with create_sessionmaker(engine)() as session:
            session.add_all(
                AuthToken(
                    token_hash=token_hash(secret, ticket),
                    person_id=person_id,
                    kind="ws_ticket",
                    created_at=now,
                    expires_at=now + TICKET_TTL,
                )
                for ticket, person_id in zip(tickets, person_ids, strict=True)
            )
            await session.commit()
        return tickets
    finally:
        await engine.dispose()


async def count_messages(url: str) -> int:
    import sqlalchemy as sa

    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return int((await conn.execute(sa.text("SELECT count(*) FROM message"))).scalar_one())
    finally:
        await engine.dispose()


# -- PostgreSQL: a throwaway database per run, so the bench never touches shared data ----
def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


async def create_postgres_database(url: str, name: str) -> str:
    """CREATE DATABASE `name` on the server of `url`; returns the new database's URL."""
    import asyncpg  # type: ignore[import-untyped]

    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(dsn, timeout=5)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return _with_database(url, name)


async def drop_postgres_database(url: str, name: str) -> None:
    import asyncpg

    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(dsn, timeout=5)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()
