"""Integrations: signed outgoing webhooks and incoming webhooks (the hub's payload and Slack's).

`from hub.integrations.outgoing import enqueue_event` queues an event for the webhooks
that want it; hub.integrations.sender sends; hub.integrations.routes is the HTTP side.
See docs/integrations.md.
"""
