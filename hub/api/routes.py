"""The chat API's routes (people, channels, messages, bots), gathered in one list.

Features with routes of their own (files, integrations, health) keep them in their own
package; hub.app puts every list together and describes them all at /openapi.json.
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from hub.api import (
    auth_routes,
    bot_admin_routes,
    bot_routes,
    channel_routes,
    delegation_routes,
    department_routes,
    inbox_routes,
    message_routes,
    people_routes,
)

api_routes: list[BaseRoute] = [
    *auth_routes.routes,
    *people_routes.routes,
    *inbox_routes.routes,
    *delegation_routes.routes,
    *department_routes.routes,
    *channel_routes.routes,
    *message_routes.routes,
    *bot_routes.routes,
    *bot_admin_routes.routes,
]
