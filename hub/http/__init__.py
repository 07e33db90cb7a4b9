"""The HTTP layer every feature's routes stand on: request helpers, JSON responses, the
error mapping and the OpenAPI description. It knows no feature; features import it, and
hub.app gathers their routes (docs/architecture.md).
"""

from hub.http.openapi import ApiRoute, Param
from hub.http.request import (
    bearer_token,
    check_origin,
    client_address,
    current_person,
    current_session_hash,
    hub_of,
    json_body,
)
from hub.http.responses import json_response

__all__ = [
    "ApiRoute",
    "Param",
    "bearer_token",
    "check_origin",
    "client_address",
    "current_person",
    "current_session_hash",
    "hub_of",
    "json_body",
    "json_response",
]
