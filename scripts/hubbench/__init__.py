"""The hub's benchmark: fan-out against a bare-websockets ceiling, the write path, idle memory.

Run it with `scripts/bench` (or `python -m hubbench --help`). Servers and load-generator
clients each run in their own processes; results go to var/bench/<timestamp>.json and
var/bench/latest.json.
"""
