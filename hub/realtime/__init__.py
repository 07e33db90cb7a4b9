"""Realtime delivery over WebSockets; see docs/protocol.md."""
