"""Fan-out: committed events to every hub process and on to its live connections.

`delivery` routes (connections, followers, broker subscriptions), `feed` keeps each
channel in seq order, `topics` is the broker's byte format, `presence` tracks who is
online. It knows nothing of WebSockets: a connection is a `Follower` (hub.realtime).
"""
