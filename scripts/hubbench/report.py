"""Targets, the printed table and the JSON files under var/bench/."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

FANOUT_RATIO_MIN = 0.6
LATENCY_P99_MAX_MS = 50.0
PERSISTED_MIN_PER_S = 5_000
ACK_P99_MAX_MS = 100.0
IDLE_KIB_MAX = 40.0
CLIENT_CPU_WARN = 80.0


def _status(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "NOT MET")


def _num(value: float | int | None, unit: str = "") -> str:
    if value is None:
        return "-"
    text = f"{value:,.0f}" if isinstance(value, int) or abs(value) >= 100 else f"{value:,.2f}"
    return f"{text}{unit}"


def _cpu(usage: dict[str, float] | None) -> str:
    if not usage:
        return ""
    parts = [
        f"{name} {pct:.0f}%" for name, pct in usage.items() if name not in ("machine", "others")
    ]
    hot = [
        name
        for name, pct in usage.items()
        if name not in ("server", "machine", "others") and pct > CLIENT_CPU_WARN
    ]
    text = ", ".join(parts) + f"; machine {usage.get('machine', 0):.0f}% of {os.cpu_count()} cores"
    if usage.get("others", 0) >= 10:
        text += f", others {usage['others']:.0f}%"
    if hot:
        text += f"  !! client above {CLIENT_CPU_WARN:.0f}%: {', '.join(hot)}"
    return text


def evaluate(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The table rows: one per figure, with its target and whether it is met."""
    return list(_rows(results))


def _rows(r: dict[str, Any]) -> Iterator[dict[str, Any]]:
    ceiling = r.get("ceiling") or {}
    hub_runs: dict[str, Any] = r.get("fanout") or {}
    best = r.get("fanout_best")
    for impl, run in hub_runs.items():
        if "error" in run:
            yield {
                "figure": f"fan-out, hub ({impl})",
                "value": "FAILED",
                "target": "",
                "status": "error",
                "cpu": run["error"][:120],
            }
            continue
        yield {
            "figure": f"fan-out deliveries/s, hub ({impl})",
            "value": _num(run["deliveries_per_s"]),
            "target": "",
            "status": "best" if impl == best else "",
            "cpu": _cpu(run["cpu_percent_saturation"]),
        }
    if ceiling and "error" not in ceiling:
        yield {
            "figure": "fan-out deliveries/s, ceiling (websockets.broadcast)",
            "value": _num(ceiling["deliveries_per_s"]),
            "target": "",
            "status": "",
            "cpu": _cpu(ceiling["cpu_percent_saturation"]),
        }
    elif ceiling:
        yield {
            "figure": "fan-out, ceiling",
            "value": "FAILED",
            "target": "",
            "status": "error",
            "cpu": ceiling["error"][:120],
        }
    ratio = r.get("fanout_ratio")
    if ratio is not None:
        yield {
            "figure": "fan-out hub / ceiling",
            "value": f"{ratio:.2f}",
            "target": f">= {FANOUT_RATIO_MIN}",
            "status": _status(ratio >= FANOUT_RATIO_MIN),
            "cpu": "",
        }
    for impl, run in hub_runs.items():
        if "error" in run:
            continue
        p99 = run["latency_ms"]["p99"]
        yield {
            "figure": f"latency p50/p99 @ {run['paced_deliveries_per_s']:,} deliv/s, hub ({impl})",
            "value": f"{_num(run['latency_ms']['p50'])} / {_num(p99)} ms",
            "target": f"p99 <= {LATENCY_P99_MAX_MS:.0f} ms",
            "status": _status(None if p99 is None else p99 <= LATENCY_P99_MAX_MS),
            "cpu": _cpu(run["cpu_percent_paced"]),
        }
    for impl, run in hub_runs.items():
        for at in (run.get("paced_at_fixed_rates") or {}).values():
            yield {
                "figure": f"latency p50/p99 @ {at['deliveries_per_s']:,} deliv/s, hub ({impl})",
                "value": f"{_num(at['latency_ms']['p50'])} / {_num(at['latency_ms']['p99'])} ms",
                "target": "(ceiling's load)",
                "status": "",
                "cpu": _cpu(at["cpu_percent"]),
            }
    if ceiling and "error" not in ceiling:
        yield {
            "figure": f"latency p50/p99 @ {ceiling['paced_deliveries_per_s']:,} deliv/s, ceiling",
            "value": f"{_num(ceiling['latency_ms']['p50'])} / {_num(ceiling['latency_ms']['p99'])} ms",
            "target": "",
            "status": "",
            "cpu": _cpu(ceiling["cpu_percent_paced"]),
        }
    for backend, run in (r.get("write") or {}).items():
        if "error" in run or "skipped" in run:
            yield {
                "figure": f"write path, {backend}",
                "value": "FAILED" if "error" in run else "skipped",
                "target": "",
                "status": "error" if "error" in run else "n/a",
                "cpu": (run.get("error") or run.get("skipped") or "")[:120],
            }
            continue
        rate, p99 = run["persisted_per_s"], run["ack_ms"]["p99"]
        judged = backend == "sqlite"
        yield {
            "figure": f"persisted msgs/s, {backend} ({run['senders']} senders)",
            "value": _num(rate),
            "target": f">= {PERSISTED_MIN_PER_S:,}" if judged else "",
            "status": _status(rate >= PERSISTED_MIN_PER_S) if judged else "",
            "cpu": _cpu(run["cpu_percent"]),
        }
        commit = run.get("group_commit") or {}
        note = (
            f"{commit['transactions']:.0f} transactions, {commit['operations_per_transaction']} msgs each"
            if commit
            else ""
        )
        yield {
            "figure": f"ack p50/p99, {backend}",
            "value": f"{_num(run['ack_ms']['p50'])} / {_num(p99)} ms",
            "target": f"p99 <= {ACK_P99_MAX_MS:.0f} ms" if judged else "",
            "status": _status(p99 is not None and p99 <= ACK_P99_MAX_MS) if judged else "",
            "cpu": note,
        }
    memory = r.get("memory")
    if memory and "error" not in memory:
        kib = memory["kib_per_connection"]
        yield {
            "figure": f"memory per idle connection ({memory['connections']:,} conns)",
            "value": f"{kib:.1f} KiB",
            "target": f"<= {IDLE_KIB_MAX:.0f} KiB",
            "status": _status(kib <= IDLE_KIB_MAX),
            "cpu": f"RSS {memory['baseline_rss_mib']} -> {memory['loaded_rss_mib']} MiB; "
            f"{memory['connects_per_s']}/s connects (server "
            f"{memory.get('cpu_percent_while_connecting', {}).get('server', 0):.0f}% CPU); ulimit -n {memory['server_open_files_limit']}",
        }
    elif memory:
        yield {
            "figure": "memory per idle connection",
            "value": "FAILED",
            "target": "",
            "status": "error",
            "cpu": memory["error"][:120],
        }


def print_table(rows: list[dict[str, Any]]) -> None:
    headers = {
        "figure": "figure",
        "value": "value",
        "target": "target",
        "status": "status",
        "cpu": "CPU (% of one core) / notes",
    }
    widths = {
        key: max(len(headers[key]), *(len(str(row[key])) for row in rows))
        for key in ("figure", "value", "target", "status")
    }
    line = "  ".join(headers[k].ljust(widths[k]) for k in widths) + "  " + headers["cpu"]
    print()
    print(line)
    print("-" * min(len(line) + 20, 200))
    for row in rows:
        print("  ".join(str(row[k]).ljust(widths[k]) for k in widths) + "  " + str(row["cpu"]))
    print()


def write_json(results: dict[str, Any], out_dir: Path, stamp: str) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps(results, indent=2, default=str)
    path = out_dir / f"{stamp}.json"
    path.write_text(text)
    (out_dir / "latest.json").write_text(text)
    return path
