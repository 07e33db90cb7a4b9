"""One bench run: set up each scenario, start its server, drive the load, collect results.

Every server (hub or ceiling) and every group of client connections runs in its own
process; this process only seeds databases, starts things and reads /proc.
"""

from __future__ import annotations

import asyncio
import os
import platform
import resource
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from hubbench import seed
from hubbench.ceiling import ceiling_ticket
from hubbench.fanout import FanoutPlan, FanoutSettings, measure_fanout
from hubbench.memory import MemorySettings, measure_memory
from hubbench.report import evaluate, print_table, write_json
from hubbench.servers import BENCH_SECRET, ServerProcess, ceiling_server, hub_server
from hubbench.writepath import WriteSettings, measure_writes

SECTIONS = ("fanout", "ceiling", "write", "memory")


@dataclass(frozen=True)
class Options:
    only: tuple[str, ...]
    quick: bool
    postgres: str | None
    ws: tuple[str, ...]
    client_procs: int
    receivers: int
    senders: int
    channels: int
    connections: int
    warmup: float
    measure: float
    window: int
    text_bytes: int
    out_dir: Path
    keep: bool
    profile: bool = False


class Bench:
    def __init__(self, options: Options) -> None:
        self.o = options
        self.stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        self.run_dir = options.out_dir / f"run-{self.stamp}"
        self.started = time.monotonic()
        self.results: dict[str, Any] = {}

    def progress(self, message: str) -> None:
        print(f"[{time.monotonic() - self.started:6.1f}s] {message}", flush=True)

    def run(self) -> dict[str, Any]:
        _raise_open_files_limit()
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.results = {
            "started_at": self.stamp,
            "options": {**asdict(self.o), "out_dir": str(self.o.out_dir)},
            "machine": _machine(),
        }
        if "ceiling" in self.o.only:
            self.results["ceiling"] = self._guard("ceiling", self._ceiling)
        if "fanout" in self.o.only:
            self.results["fanout"] = {
                impl: self._guard(f"fanout {impl}", partial(self._hub_fanout, impl))
                for impl in self.o.ws
            }
            ok = {impl: run for impl, run in self.results["fanout"].items() if "error" not in run}
            if ok:
                best = max(ok, key=lambda impl: ok[impl]["deliveries_per_s"])
                self.results["fanout_best"] = best
                ceiling = self.results.get("ceiling") or {}
                if "deliveries_per_s" in ceiling:
                    self.results["fanout_ratio"] = round(
                        ok[best]["deliveries_per_s"] / ceiling["deliveries_per_s"], 3
                    )
        impl = self.results.get("fanout_best") or self.o.ws[0]
        if "write" in self.o.only:
            self.results["write"] = {
                "sqlite": self._guard("write sqlite", lambda: self._write_sqlite(impl))
            }
            if self.o.postgres:
                self.results["write"]["postgresql"] = self._guard(
                    "write postgresql", lambda: self._write_postgres(impl)
                )
        if "memory" in self.o.only:
            self.results["memory"] = self._guard("memory", lambda: self._memory(impl))
        self.results["seconds"] = round(time.monotonic() - self.started, 1)
        rows = evaluate(self.results)
        self.results["table"] = rows
        print_table(rows)
        path = write_json(self.results, self.o.out_dir, self.stamp)
        self.progress(
            f"wrote {path} and {self.o.out_dir / 'latest.json'}; server logs in {self.run_dir}"
        )
        if not self.o.keep:
            for db in self.run_dir.glob("*.db*"):
                db.unlink()
        return self.results

    def _guard(self, name: str, step: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """A failed scenario is reported, and the others still run."""
        try:
            return step()
        except Exception as exc:
            self.progress(f"{name} FAILED: {type(exc).__name__}: {exc}")
            return {"error": f"{type(exc).__name__}: {exc}"}

    # -- scenarios -------------------------------------------------------------------
    def _fanout_settings(self, extra_paced: tuple[float, ...] = ()) -> FanoutSettings:
        return FanoutSettings(
            self.o.client_procs,
            self.o.warmup,
            self.o.measure,
            self.o.window,
            self.o.text_bytes,
            profile_dir=self._profile_dir(),
            extra_paced_deliveries=extra_paced,
        )

    def _profile_dir(self) -> Path | None:
        return self.run_dir if self.o.profile else None

    def _ceiling(self) -> dict[str, Any]:
        n = self.o.receivers
        plan = FanoutPlan(
            1, ceiling_ticket(0, [1]), [ceiling_ticket(p, [1]) for p in range(1, n + 1)]
        )
        with _running(ceiling_server(self.run_dir), self.progress) as server:
            return measure_fanout(server, plan, self._fanout_settings(), self.progress)

    def _hub_fanout(self, ws_impl: str) -> dict[str, Any]:
        url = f"sqlite+aiosqlite:///{self.run_dir / 'hub-fanout.db'}"
        if not hasattr(self, "_fanout_seed"):
            self.progress(f"seeding {url} with {self.o.receivers + 1} people in one channel")
            self._fanout_seed = asyncio.run(
                seed.seed(url, self.o.receivers + 1, [self.o.receivers + 1])
            )
        channel_id, members = self._fanout_seed.channels[0]
        tickets = asyncio.run(seed.issue_tickets(url, BENCH_SECRET.encode(), members))
        plan = FanoutPlan(channel_id, tickets[0], tickets[1:])
        ceiling = self.results.get("ceiling") or {}
        # Latency at the ceiling's paced load too, so hub and ceiling compare at equal load.
        extra = (
            (float(ceiling["paced_deliveries_per_s"]),)
            if "paced_deliveries_per_s" in ceiling
            else ()
        )
        with _running(
            hub_server(url, self.run_dir, ws_impl, f"fanout-{ws_impl}"), self.progress
        ) as server:
            return measure_fanout(server, plan, self._fanout_settings(extra), self.progress)

    def _write(self, url: str, ws_impl: str, label: str) -> dict[str, Any]:
        per_channel = max(self.o.senders // self.o.channels, 1)
        self.progress(
            f"seeding {label}: {self.o.senders} people in {self.o.channels} channels of {per_channel}"
        )
        seeded = asyncio.run(seed.seed(url, self.o.senders, [per_channel] * self.o.channels))
        channel_of = seeded.channel_of()
        people = [p for p in seeded.person_ids if p in channel_of]
        tickets = asyncio.run(seed.issue_tickets(url, BENCH_SECRET.encode(), people))
        senders = [(t, channel_of[p]) for t, p in zip(tickets, people, strict=True)]
        settings = WriteSettings(
            self.o.client_procs,
            self.o.warmup,
            self.o.measure,
            self.o.text_bytes,
            profile_dir=self._profile_dir(),
        )
        with _running(
            hub_server(url, self.run_dir, ws_impl, f"write-{label}"), self.progress
        ) as server:
            result = measure_writes(server, senders, settings, self.progress, label)
        result["rows_in_database"] = asyncio.run(seed.count_messages(url))
        return result

    def _write_sqlite(self, ws_impl: str) -> dict[str, Any]:
        return self._write(
            f"sqlite+aiosqlite:///{self.run_dir / 'hub-write.db'}", ws_impl, "sqlite"
        )

    def _write_postgres(self, ws_impl: str) -> dict[str, Any]:
        assert self.o.postgres is not None
        name = f"hub_bench_{self.stamp.lower()}"
        try:
            url = asyncio.run(seed.create_postgres_database(self.o.postgres, name))
        except (OSError, TimeoutError) as exc:
            self.progress(f"PostgreSQL at {self.o.postgres} not reachable ({exc}); skipping")
            return {"skipped": f"not reachable: {exc}"}
        except Exception as exc:  # e.g. no CREATE DATABASE permission: say so and go on
            return {"skipped": f"could not create database {name}: {type(exc).__name__}: {exc}"}
        try:
            return self._write(url, ws_impl, "postgresql")
        finally:
            asyncio.run(seed.drop_postgres_database(self.o.postgres, name))

    def _memory(self, ws_impl: str) -> dict[str, Any]:
        url = f"sqlite+aiosqlite:///{self.run_dir / 'hub-memory.db'}"
        warm, n = 5, self.o.connections
        sizes = [100] * (n // 100) + ([n % 100] if n % 100 else [])
        self.progress(f"seeding memory: {n + warm} people, {len(sizes)} channels")
        seeded = asyncio.run(seed.seed(url, n + warm, [*sizes, warm]))
        channel_of = seeded.channel_of()
        tickets = asyncio.run(seed.issue_tickets(url, BENCH_SECRET.encode(), seeded.person_ids))
        pairs = [(t, channel_of[p]) for t, p in zip(tickets, seeded.person_ids, strict=True)]
        settings = MemorySettings(self.o.client_procs, idle_seconds=2.0 if self.o.quick else 3.0)
        with _running(hub_server(url, self.run_dir, ws_impl, "memory"), self.progress) as server:
            return measure_memory(server, pairs[n:], pairs[:n], settings, self.progress)


class _running:
    """Start a server for a `with` block; stop it after, and attach its log tail on failure."""

    def __init__(self, server: ServerProcess, progress: Callable[[str], None]) -> None:
        self.server, self.progress = server, progress

    def __enter__(self) -> ServerProcess:
        self.progress(f"starting {self.server.name} on port {self.server.port}")
        self.server.start()
        return self.server

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> None:
        died = not self.server.alive()
        self.server.stop()
        tail = self.server.log_tail(15)
        if exc is not None and tail:
            self.progress(f"{self.server.name} log ({self.server.log_path}), last lines:\n{tail}")
        elif died:
            self.progress(
                f"{self.server.name} had exited by the end of the run; see {self.server.log_path}"
            )


def _raise_open_files_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def _machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "open_files_limit": resource.getrlimit(resource.RLIMIT_NOFILE),
    }
