"""The WebSocket wire format, both directions, as typed models: what the hub sends
(`hub.wire.server`: channel events, acks, errors, presence) and what a client may send
(`hub.wire.client`). docs/protocol.md describes each frame; the web client reads the same
shapes (web/js/net/socket.js, web/js/state/reducer.js).
"""
