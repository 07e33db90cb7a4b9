"""`hub bot makemigration` writes a bot's migration from its models, for its tables only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hub.migrate import upgrade
from tests.support import count_rows

MODELS = """
from sqlmodel import Field, SQLModel

from hub.botkit import UtcDateTime, utcnow


class Note(SQLModel, table=True):
    __tablename__ = "memo_note"

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(max_length=500)
    created_at: object = Field(default_factory=utcnow, sa_type=UtcDateTime)
"""

BOT = """
from pathlib import Path

from hub.botkit import Bot

from memobot import models  # noqa: F401  (registers the bot's tables)

bot = Bot.from_manifest(Path(__file__).with_name("manifest.toml"))
"""


def hub_command(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).parent / "hub"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HUB_DATA_DIR": str(cwd / "var")},
        timeout=120,
    )


async def test_a_bots_migration_is_written_from_its_models_and_applies(tmp_path: Path) -> None:
    package = tmp_path / "memobot"
    package.mkdir()
    (package / "manifest.toml").write_text('name = "memo"\nmigrations = "migrations"\n')
    (package / "models.py").write_text(MODELS)
    (package / "__init__.py").write_text(BOT)

    made = hub_command(tmp_path, "bot", "makemigration", "memobot:bot", "-m", "notes 便签")
    assert made.returncode == 0, made.stderr + made.stdout
    (written,) = (package / "migrations" / "versions").glob("memo_0001_*.py")
    text = written.read_text()
    assert "memo_note" in text and "branch_labels" in text and "('memo',)" in text
    assert "person" not in text and "poll_poll" not in text  # only this bot's tables
    assert "hub.botkit.UtcDateTime(timezone=True)" in text and "hub.models" not in text

    # It applies on top of the hub's migrations, and a second run finds nothing to write.
    url = f"sqlite+aiosqlite:///{tmp_path}/check.db"
    await upgrade(url, extra_locations=[package / "migrations" / "versions"])
    assert await count_rows(url, "memo_note") == 0
    again = hub_command(tmp_path, "bot", "makemigration", "memobot:bot", "-m", "again")
    assert again.returncode != 0 and "nothing to write" in again.stderr

    missing = hub_command(tmp_path, "bot", "makemigration", "nosuchbot", "-m", "x")
    assert missing.returncode != 0 and "No installed bot 'nosuchbot'" in missing.stderr
