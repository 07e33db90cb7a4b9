"""`hub user add` refuses names holding a NUL character, as every edge of the hub does."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from click.testing import CliRunner

from hub.cli import main
from hub.config import get_settings
from tests.support import SECRET, count_rows, seed_database


@pytest.mark.parametrize(
    "args",
    [
        ["user", "add", "nina", "--name", "Ni\u0000na", "--password", "long enough pw"],
        ["user", "add", "ni\u0000na", "--name", "Nina", "--password", "long enough pw"],
        ["user", "add", "nina", "--name", "Nina", "--title", "\u0000", "--password", "long pw 123"],
    ],
)
def test_user_add_refuses_nul(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/hub.db"
    asyncio.run(seed_database(url))
    monkeypatch.setenv("HUB_DATABASE_URL", url)
    monkeypatch.setenv("HUB_SECRET_KEY", SECRET)
    monkeypatch.setenv("HUB_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HUB_CONFIG", str(tmp_path / "none.toml"))
    get_settings.cache_clear()
    people = asyncio.run(count_rows(url, "person"))
    try:
        result = CliRunner().invoke(main, args)
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2, result.output
    assert "contains a NUL character (\\u0000)" in result.output
    assert asyncio.run(count_rows(url, "person")) == people
