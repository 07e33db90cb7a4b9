"""Prometheus metrics, served at /metrics. Counted per batch on the hot path, not per frame."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

connections = Gauge("hub_connections", "Open, authenticated WebSocket connections in this process")
events_delivered = Counter(
    "hub_events_delivered_total", "Channel event frames queued to connections"
)
delivery_latency = Histogram(
    "hub_delivery_latency_seconds",
    "From an event's commit to its frames being queued on this process's connections",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
queue_drops = Counter(
    "hub_queue_drops_total", "Connections closed because their send queue was full (slow consumers)"
)
resyncs = Counter(
    "hub_resync_required_total", "Channels a client was told to resync instead of replaying"
)
committed_operations = Counter(
    "hub_committed_operations_total", "Write operations committed by the writer"
)
commit_batches = Counter("hub_commit_batches_total", "Transactions the writer committed")
card_actions = Counter(
    "hub_card_actions_total", "Card actions by outcome (taken, duplicate, stale)", ["outcome"]
)
bot_failures = Counter(
    "hub_bot_failures_total", "Bot handlers that failed or ran out of time", ["bot", "reason"]
)
