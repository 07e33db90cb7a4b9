"""`hub bot ...`: register an external bot, make a token that signs in, list and revoke it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from click.testing import CliRunner

from hub.auth.tokens import resolve_token
from hub.cli import main
from hub.config import get_settings
from hub.db import create_engine, create_sessionmaker
from tests.support import SECRET, seed_database


async def _resolves(url: str, token: str) -> bool:
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            return await resolve_token(session, SECRET.encode(), token, ("bot",)) is not None
    finally:
        await engine.dispose()


def test_bot_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/hub.db"
    asyncio.run(seed_database(url))
    monkeypatch.setenv("HUB_DATABASE_URL", url)
    monkeypatch.setenv("HUB_SECRET_KEY", SECRET)
    monkeypatch.setenv("HUB_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HUB_CONFIG", str(tmp_path / "none.toml"))
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        made = runner.invoke(main, ["bot", "create", "erp", "--display-name", "ERP 系统"])
        assert made.exit_code == 0, made.output
        taken = runner.invoke(main, ["bot", "create", "erp", "--display-name", "again"])
        assert taken.exit_code == 1 and "taken" in taken.output
        issued = runner.invoke(main, ["bot", "token", "erp"])
        assert issued.exit_code == 0, issued.output
        token = issued.output.strip().splitlines()[-1]
        assert token.startswith("hubbot_") and asyncio.run(_resolves(url, token))
        listed = runner.invoke(main, ["bot", "tokens", "erp"])
        token_id = listed.output.split()[0]
        assert "live" in listed.output and token not in listed.output
        assert "erp" in runner.invoke(main, ["bot", "list"]).output
        revoked = runner.invoke(main, ["bot", "revoke", "erp", token_id])
        assert revoked.exit_code == 0, revoked.output
        assert not asyncio.run(_resolves(url, token))
        unknown = runner.invoke(main, ["bot", "token", "nobody"])
        assert unknown.exit_code == 1 and "hub bot list" in unknown.output
    finally:
        get_settings.cache_clear()
