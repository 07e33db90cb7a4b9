"""The load generator: client processes that hold connections, send, and count.

Each worker is its own process (multiprocessing "spawn") with its own event loop and lean
connections (hubbench.wsclient), so clients never compete with the server for an
interpreter. The orchestrator drives workers with small commands over a pipe, and can
snapshot their counters while they keep working. Receivers count `message.new` objects
in the raw frame (a frame may carry several, one per line) without decoding JSON, which
keeps a client's cost per delivery well below the server's.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import multiprocessing.connection
import resource
import time
from array import array
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any

from hubbench.wsclient import BenchConnection, WsError

NEW = b'"message.new"'
ACK = b'"ack"'
ERROR = b'"error"'
TS_MARK = b"@ts="


def message_text(size: int) -> str:
    """A message body of `size` bytes that starts with the wall-clock send time in ns."""
    head = f"@ts={time.time_ns()};"
    return head + "x" * max(size - len(head), 0)


@dataclass
class Counters:
    deliveries: int = 0
    acks: int = 0
    sent: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    recording: bool = False
    delivery_us: array[int] = field(default_factory=lambda: array("q"))
    ack_us: array[int] = field(default_factory=lambda: array("q"))

    def note_errors(self, payload: bytes) -> None:
        for line in payload.split(b"\n"):
            if ERROR in line:
                self.errors += 1
                if len(self.error_samples) < 5:
                    self.error_samples.append(line[:300].decode(errors="replace"))


def _receiver_sink(counters: Counters) -> Callable[[bytes], None]:
    def sink(payload: bytes) -> None:
        count = payload.count(NEW)
        counters.deliveries += count
        if count and counters.recording:
            now_us = time.time_ns() // 1000
            start = payload.find(TS_MARK)
            while start >= 0:
                end = payload.find(b";", start)
                counters.delivery_us.append(now_us - int(payload[start + 4 : end]) // 1000)
                start = payload.find(TS_MARK, end)
        if ERROR in payload:
            counters.note_errors(payload)

    return sink


class _ClosedLoopWriter:
    """One sender with one message in flight: send, wait for the ack, send the next."""

    def __init__(
        self, conn: BenchConnection, channel_id: int, tag: str, counters: Counters, text_bytes: int
    ) -> None:
        self.conn, self.channel_id, self.tag = conn, channel_id, tag
        self.counters, self.text_bytes = counters, text_bytes
        self.running = False
        self._sent_at = 0
        self._number = 0

    def sink(self, payload: bytes) -> None:
        counters = self.counters
        counters.deliveries += payload.count(NEW)
        if ACK in payload:
            counters.acks += 1
            if counters.recording:
                counters.ack_us.append((time.perf_counter_ns() - self._sent_at) // 1000)
            self.send_next()
        elif ERROR in payload:
            counters.note_errors(payload)
            asyncio.get_running_loop().call_later(0.01, self.send_next)

    def send_next(self) -> None:
        if not self.running or self.conn.closed.done():
            return
        self._number += 1
        self._sent_at = time.perf_counter_ns()
        self.conn.send_json(
            {
                "type": "send",
                "channel_id": self.channel_id,
                "client_msg_id": f"{self.tag}-{self._number}",
                "text": message_text(self.text_bytes),
            }
        )
        self.counters.sent += 1


class Worker:
    """Runs in a client process; each `cmd_*` method is a command from the orchestrator."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.counters = Counters()
        self.connections: list[BenchConnection] = []
        self.channels: list[int] = []
        self.writers: list[_ClosedLoopWriter] = []
        self.task: asyncio.Task[dict[str, Any]] | None = None

    async def serve(self, pipe: multiprocessing.connection.Connection) -> None:
        while True:
            command, args = await asyncio.to_thread(pipe.recv)
            try:
                handler: Callable[..., Awaitable[Any]] = getattr(self, f"cmd_{command}")
                result = await handler(**args)
                pipe.send(("ok", result))
            except Exception as exc:  # reported to the orchestrator, which stops the run
                pipe.send(("error", f"{type(exc).__name__}: {exc}"))
            if command == "close":
                return

    async def cmd_connect(
        self,
        host: str,
        port: int,
        tickets: Sequence[tuple[str, int]],
        role: str,
        concurrency: int = 50,
    ) -> dict[str, Any]:
        """Open, authenticate and sync one connection per (ticket, channel_id)."""
        gate = asyncio.Semaphore(concurrency)
        errors: list[str] = []
        started = time.monotonic()

        async def one(number: int, ticket: str, channel_id: int) -> None:
            async with gate:
                try:
                    conn = await BenchConnection.open(host, port)
                    conn.send_json({"type": "auth", "ticket": ticket})
                    await conn.expect("hello")
                    conn.send_json({"type": "sync", "cursors": {}})
                    await conn.expect("synced")
                except (OSError, WsError, TimeoutError) as exc:
                    errors.append(f"{type(exc).__name__}: {exc}")
                    return
            if role == "writer":
                writer = _ClosedLoopWriter(
                    conn, channel_id, f"w{self.index}.{number}.{time.time_ns()}", self.counters, 0
                )
                conn.sink = writer.sink
                self.writers.append(writer)
            elif role in ("receiver", "idle"):
                conn.sink = _receiver_sink(self.counters)
            self.connections.append(conn)
            self.channels.append(channel_id)

        base = len(self.connections)
        await asyncio.gather(*(one(base + n, t, c) for n, (t, c) in enumerate(tickets)))
        return {
            "connected": len(tickets) - len(errors),
            "failed": len(errors),
            "errors": errors[:5],
            "seconds": round(time.monotonic() - started, 2),
        }

    async def cmd_snapshot(self) -> dict[str, Any]:
        c = self.counters
        return {
            "time": time.time(),
            "deliveries": c.deliveries,
            "acks": c.acks,
            "sent": c.sent,
            "errors": c.errors,
            "error_samples": c.error_samples,
            "closed": sum(1 for conn in self.connections if conn.closed.done()),
            "cpu": _own_cpu_seconds(),
        }

    async def cmd_record(self, on: bool) -> None:
        if on:
            self.counters.delivery_us = array("q")
            self.counters.ack_us = array("q")
        self.counters.recording = on

    async def cmd_read_pause(self, seconds: float) -> None:
        for conn in self.connections:
            conn.read_pause = seconds

    async def cmd_latencies(self) -> dict[str, bytes]:
        return {
            "delivery_us": self.counters.delivery_us.tobytes(),
            "ack_us": self.counters.ack_us.tobytes(),
        }

    async def cmd_start(self, kind: str, duration: float, **params: Any) -> None:
        if self.task is not None and not self.task.done():
            raise RuntimeError("a load is already running in this worker; join it first")
        runners: dict[str, Callable[..., Coroutine[Any, Any, dict[str, Any]]]] = {
            "flood": self._flood,
            "pace": self._pace,
            "write": self._write,
        }
        runner = runners[kind]
        self.task = asyncio.create_task(runner(duration, **params))

    async def cmd_join(self) -> dict[str, Any]:
        assert self.task is not None, "join without start"
        return await self.task

    async def cmd_close(self) -> None:
        for conn in self.connections:
            conn.close()
        await asyncio.sleep(0.2)

    # -- loads -----------------------------------------------------------------------
    async def _flood(self, duration: float, window: int, text_bytes: int) -> dict[str, Any]:
        """One sender, as fast as delivery allows: at most `window` messages not yet echoed back."""
        conn, channel_id = self.connections[0], self.channels[0]
        slots = window
        freed = asyncio.Event()
        stalls = 0

        def sink(payload: bytes) -> None:
            nonlocal slots
            echoed = payload.count(NEW)
            self.counters.deliveries += echoed
            self.counters.acks += payload.count(ACK)
            if echoed:
                slots += echoed
                freed.set()
            if ERROR in payload:
                self.counters.note_errors(payload)

        conn.sink = sink
        deadline = time.monotonic() + duration
        number = 0
        while time.monotonic() < deadline and not conn.closed.done():
            if slots <= 0:
                freed.clear()
                try:
                    await asyncio.wait_for(freed.wait(), 2.0)
                except TimeoutError:
                    stalls += 1  # echoes lost or delivery stuck: reopen the window
                    slots = window
                continue
            slots -= 1
            number += 1
            conn.send_json(
                {
                    "type": "send",
                    "channel_id": channel_id,
                    "client_msg_id": f"f{time.time_ns()}-{number}",
                    "text": message_text(text_bytes),
                }
            )
            self.counters.sent += 1
            if number % 64 == 0:
                await asyncio.sleep(0)
        return {"sent": number, "stalls": stalls, "closed": conn.closed.done()}

    async def _pace(self, duration: float, rate: float, text_bytes: int) -> dict[str, Any]:
        """One sender at a steady `rate` messages/s, on a fixed schedule (no catch-up skipping)."""
        conn, channel_id = self.connections[0], self.channels[0]
        conn.sink = _receiver_sink(Counters())  # the sender's own copies are not counted
        start = time.monotonic()
        number = 0
        while not conn.closed.done():
            due = start + number / rate
            if due > start + duration:
                break
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            number += 1
            conn.send_json(
                {
                    "type": "send",
                    "channel_id": channel_id,
                    "client_msg_id": f"p{time.time_ns()}-{number}",
                    "text": message_text(text_bytes),
                }
            )
            self.counters.sent += 1
        return {"sent": number, "seconds": round(time.monotonic() - start, 2)}

    async def _write(self, duration: float, text_bytes: int) -> dict[str, Any]:
        for writer in self.writers:
            writer.text_bytes = text_bytes
            writer.running = True
            writer.send_next()
        await asyncio.sleep(duration)
        for writer in self.writers:
            writer.running = False
        await asyncio.sleep(0.5)  # let the last acks in
        return {"sent": self.counters.sent, "acks": self.counters.acks}


def _own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _worker_entry(index: int, pipe: multiprocessing.connection.Connection) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    worker = Worker(index)
    try:
        import uvloop
    except ImportError:
        asyncio.run(worker.serve(pipe))
    else:
        uvloop.run(worker.serve(pipe))


class WorkerError(RuntimeError):
    pass


class LoadGen:
    """The orchestrator's handle on a set of client processes."""

    def __init__(self, names: Sequence[str]) -> None:
        context = multiprocessing.get_context("spawn")
        self.names = list(names)
        self._pipes: list[multiprocessing.connection.Connection] = []
        self._processes: list[multiprocessing.process.BaseProcess] = []
        for index in range(len(self.names)):
            ours, theirs = context.Pipe()
            process = context.Process(
                target=_worker_entry, args=(index, theirs), daemon=True, name=self.names[index]
            )
            process.start()
            self._pipes.append(ours)
            self._processes.append(process)

    @property
    def pids(self) -> dict[str, int]:
        return {name: p.pid or 0 for name, p in zip(self.names, self._processes, strict=True)}

    def call(
        self,
        workers: Sequence[int],
        command: str,
        timeout: float = 300.0,
        args: Sequence[dict[str, Any]] | dict[str, Any] | None = None,
    ) -> list[Any]:
        """Send `command` to the given workers at once, then gather their answers in order."""
        per_worker = (
            [args or {}] * len(workers) if not isinstance(args, list | tuple) else list(args)
        )
        for index, worker_args in zip(workers, per_worker, strict=True):
            self._pipes[index].send((command, worker_args))
        results = []
        deadline = time.monotonic() + timeout
        for index in workers:
            pipe = self._pipes[index]
            if not pipe.poll(max(deadline - time.monotonic(), 0)):
                raise WorkerError(
                    f"{self.names[index]} did not answer {command!r} within {timeout}s"
                )
            status, value = pipe.recv()
            if status != "ok":
                raise WorkerError(f"{self.names[index]} failed {command!r}: {value}")
            results.append(value)
        return results

    def close(self) -> None:
        for index, process in enumerate(self._processes):
            if process.is_alive():
                with contextlib.suppress(OSError):
                    self._pipes[index].send(("close", {}))
        for process in self._processes:
            process.join(3)
            if process.is_alive():
                process.terminate()
                process.join()


def split(items: Sequence[Any], parts: int) -> list[list[Any]]:
    """Deal `items` round-robin into `parts` lists."""
    return [list(items[i::parts]) for i in range(parts)]


def decode_us(blobs: Sequence[bytes]) -> list[int]:
    values = array("q")
    for blob in blobs:
        values.frombytes(blob)
    return sorted(values)


def percentile(sorted_values: Sequence[int], fraction: float) -> float | None:
    if not sorted_values:
        return None
    index = min(int(fraction * len(sorted_values)), len(sorted_values) - 1)
    return float(sorted_values[index])


def measure_slices(
    gen: LoadGen, workers: list[int], pids: dict[str, int], seconds: float, count: int, key: str
) -> list[dict[str, Any]]:
    """Split a window into `count` slices; per slice, the workers' summed `key` rate and CPU use.

    On a shared machine, other work comes and goes; the slice where it took least CPU is
    the fairest figure (`quietest`), and all slices are kept in the JSON.
    """
    from hubbench.procstat import CpuWindow

    slices = []
    before = gen.call(workers, "snapshot")
    for _ in range(count):
        cpu = CpuWindow(pids)
        cpu.start()
        time.sleep(seconds / count)
        after = gen.call(workers, "snapshot")
        usage = cpu.stop()
        rate = sum(
            (a[key] - b[key]) / (a["time"] - b["time"]) for a, b in zip(after, before, strict=True)
        )
        slices.append({"rate": round(rate), "cpu": usage})
        before = after
    return slices


def quietest(slices: list[dict[str, Any]]) -> dict[str, Any]:
    """The median-rate slice among those where other processes took least CPU (within 10 points)."""
    least = min(s["cpu"].get("others", 0.0) for s in slices)
    calm = sorted(
        (s for s in slices if s["cpu"].get("others", 0.0) <= least + 10), key=lambda s: s["rate"]
    )
    return calm[(len(calm) - 1) // 2]
