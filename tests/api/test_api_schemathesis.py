"""The API is what /openapi.json says: a bounded schemathesis run with every check finds nothing.

A real hub on the seed database (SQLite, and PostgreSQL when HUB_TEST_DATABASE_URL is set),
an admin's bearer token, and `st run` as a subprocess with a fixed seed so a failure can be
replayed (`--generation-deterministic` is not used: it ignores `--max-examples` and runs
for minutes). The few answers the document cannot express are in schemathesis.toml beside this file.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from tests.support import Seed, bearer_for, running_hub, seed_database

CONFIG = Path(__file__).with_name("schemathesis.toml")
ST = Path(sys.executable).with_name("st")
EXAMPLES = 30
SEED = 20261201
# Signing out (of one session or all) would end the run's own token, so every later
# request would be a 401.
EXCLUDED = ("/api/v1/auth/sign-out", "/api/v1/auth/sign-out-everywhere")


async def test_schemathesis_finds_nothing_on_sqlite(seed: Seed, tmp_path: Path) -> None:
    await _schemathesis_finds_nothing(seed, tmp_path)


async def test_schemathesis_finds_nothing_on_postgresql(postgres_url: str, tmp_path: Path) -> None:
    await _schemathesis_finds_nothing(await seed_database(postgres_url), tmp_path)


async def _schemathesis_finds_nothing(any_seed: Seed, tmp_path: Path) -> None:
    token = await bearer_for(any_seed, "alice")
    async with running_hub(any_seed.url, tmp_path) as hub:
        command = [
            str(ST),
            "--config-file",
            str(CONFIG),
            "run",
            f"{hub.base}/openapi.json",
            "--checks",
            "all",
            "--max-examples",
            str(EXAMPLES),
            "--seed",
            str(SEED),
            *[option for path in EXCLUDED for option in ("--exclude-path", path)],
            # A guard: the run takes about 15 s on two cores.
            "--max-time",
            "60",
            "--workers",
            "1",
            "--no-color",
        ]
        env = {**os.environ, "HUB_SCHEMATHESIS_TOKEN": token}
        result = await asyncio.to_thread(
            subprocess.run,
            command,
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
    summary = result.stdout[result.stdout.find("= FAILURES =") :] or result.stdout[-6000:]
    assert result.returncode == 0, f"schemathesis found problems:\n{summary}\n{result.stderr}"
