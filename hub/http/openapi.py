"""The OpenAPI 3.1 document, built from the routes themselves so the docs cannot drift.

Each HTTP route is an `ApiRoute`: the Starlette route plus its description (summary,
request model, response models per status, query parameters, error codes). Route modules
keep their `ApiRoute` list as one table next to the handlers; this module turns the table
into the document served at /openapi.json. Query parameters are `Param`s, which both
document and parse, so a handler cannot read a parameter the document does not list.
The tests validate every response they receive against this document. See docs/api.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from starlette.requests import Request
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from hub.errors import ErrorCode, HubError
from hub.wire.inputs import DB_INT_MAX, check_no_nul, not_found_code, unknown_id

ResponseSpec = type[BaseModel] | tuple[type[BaseModel], ...] | None
_PATH_PARAM = re.compile(r"{([a-zA-Z_][a-zA-Z0-9_]*)(?::([a-z]+))?}")


@dataclass(frozen=True)
class Param:
    """A query parameter: its documentation and its parser in one place.

    Kinds: `int` (a number stored in the database, so within its INTEGER range unless
    `maximum` says less), `id` (one id: too large to exist is `not_found`), `id_list`
    (comma-separated ids: those too large to exist are answered `not_found`, or left out
    when that is None, as the route treats any unknown id), `str`, `bool`. See hub.wire.inputs.
    """

    name: str
    kind: Literal["int", "str", "bool", "id", "id_list"]
    description: str
    default: Any = None
    minimum: int | None = None
    maximum: int | None = None
    required: bool = False
    not_found: ErrorCode | None = None
    choices: tuple[str, ...] = ()  # a `str` that must be one of these

    def __post_init__(self) -> None:
        if self.kind == "id" and self.not_found is None:
            raise TypeError(
                f"Param {self.name!r}: an id needs `not_found`, the code for one unknown."
            )

    @property
    def _bounds(self) -> tuple[int, int]:
        low = self.minimum if self.minimum is not None else -DB_INT_MAX - 1
        high = self.maximum if self.maximum is not None else DB_INT_MAX
        return low, high

    def schema(self) -> dict[str, Any]:
        if self.kind == "id_list":
            return {"type": "string", "pattern": r"^\d+(,\d+)*$"}
        if self.kind == "id":
            return {"type": "integer", "minimum": 1}
        schema: dict[str, Any] = {
            "type": {"int": "integer", "str": "string", "bool": "boolean"}[self.kind]
        }
        if self.kind == "int":
            schema["minimum"], schema["maximum"] = self._bounds
        elif self.maximum is not None:
            schema["maxLength"] = self.maximum
        if self.kind == "str" and self.required:
            schema["minLength"] = 1  # an empty value counts as missing
        if self.choices:
            schema["enum"] = list(self.choices)
        if self.default is not None:
            schema["default"] = self.default
        return schema

    def read(self, request: Request) -> Any:
        raw = request.query_params.get(self.name)
        # An empty text counts as missing (unless only listed values are allowed); an empty
        # number, id or flag is malformed, as the document's types say.
        if raw is None or (raw == "" and self.kind == "str" and not self.choices):
            if self.required:
                raise HubError(
                    ErrorCode.validation_failed, f"Query parameter `{self.name}` is required."
                )
            return self.default
        check_no_nul(raw, self.name)
        if self.kind == "str":
            if self.maximum is not None and len(raw) > self.maximum:
                raise HubError(
                    ErrorCode.validation_failed,
                    f"`{self.name}` is at most {self.maximum} characters.",
                )
            if self.choices and raw not in self.choices:
                *first, last = self.choices
                listed = f"{', '.join(first)} or {last}" if first else last
                raise HubError(ErrorCode.validation_failed, f"`{self.name}` must be {listed}.")
            return raw
        if self.kind == "bool":
            if raw.lower() not in ("true", "false", "1", "0"):
                raise HubError(ErrorCode.validation_failed, f"`{self.name}` must be true or false.")
            return raw.lower() in ("true", "1")
        if self.kind == "id_list":
            return self._read_ids(raw)
        try:
            value = int(raw)
        except ValueError:
            raise HubError(
                ErrorCode.validation_failed, f"`{self.name}` must be an integer."
            ) from None
        if self.kind == "id":
            if value < 1:
                raise HubError(
                    ErrorCode.validation_failed, f"`{self.name}` must be an id, 1 or more."
                )
            if value > DB_INT_MAX:
                raise self._unknown(value)
            return value
        low, high = self._bounds
        if not low <= value <= high:
            raise HubError(
                ErrorCode.validation_failed, f"`{self.name}` must be between {low} and {high}."
            )
        return value

    def _read_ids(self, raw: str) -> list[int]:
        parts = raw.split(",")
        if not all(part.isascii() and part.isdigit() for part in parts):
            raise HubError(
                ErrorCode.validation_failed, f"`{self.name}` must be comma-separated ids."
            )
        if self.maximum is not None and len(parts) > self.maximum:
            raise HubError(
                ErrorCode.validation_failed, f"`{self.name}` names at most {self.maximum} ids."
            )
        values = [int(part) for part in parts]
        beyond = [value for value in values if value > DB_INT_MAX]
        if beyond and self.not_found is not None:
            raise self._unknown(beyond[0])
        return [value for value in values if value <= DB_INT_MAX]

    def _unknown(self, value: int) -> HubError:
        assert self.not_found is not None
        return unknown_id(self.not_found, value)


class ApiRoute(Route):
    """A route with its documentation; one method per route keeps the table flat."""

    def __init__(
        self,
        method: str,
        path: str,
        endpoint: Callable[..., Any],
        *,
        summary: str,
        tag: str,
        responses: dict[int, ResponseSpec],
        body: type[BaseModel] | None = None,
        query: Sequence[Param] = (),
        errors: Sequence[ErrorCode] = (),
        auth: bool = True,
        description: str | None = None,
        text_responses: dict[int, str] | None = None,
        raw_body: str | None = None,
        binary_responses: dict[int, str] | None = None,
        path_schemas: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(path, endpoint, methods=[method])
        self.method = method.upper()
        self.summary = summary
        self.tag = tag
        self.responses = responses
        self.body = body
        self.query = tuple(query)
        self.errors = tuple(errors)
        self.auth = auth
        # Plain-text answers beside the JSON ones (an incoming webhook answers Slack's `ok`).
        self.text_responses = text_responses or {}
        # Bytes rather than JSON (file uploads and downloads): a description of what they are.
        self.raw_body = raw_body
        self.binary_responses = binary_responses or {}
        # A text path parameter's shape, where the route refuses others (e.g. a token id).
        self.path_schemas = path_schemas or {}
        self.doc = description or (endpoint.__doc__ or "").strip() or summary
        # Path parameters by name: True for an id (`{channel_id:int}`), False for text.
        self.path_ids = {name: convertor == "int" for name, convertor in _PATH_PARAM.findall(path)}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] in (self.methods or ()):  # else Route answers 405 first
            self._check_path(scope.get("path_params", {}))
        await super().handle(scope, receive, send)

    def _check_path(self, values: dict[str, Any]) -> None:
        """The path's ids and text, held to the rules of hub.wire.inputs before the handler runs."""
        for name, is_id in self.path_ids.items():
            value = values.get(name)
            if is_id and isinstance(value, int) and value > DB_INT_MAX:
                raise unknown_id(not_found_code(name), value)
            if isinstance(value, str):
                check_no_nul(value, name)

    @property
    def openapi_path(self) -> str:
        return _PATH_PARAM.sub(lambda m: "{" + m.group(1) + "}", self.path)

    def error_codes(self) -> list[ErrorCode]:
        codes = list(self.errors)
        for name, is_id in self.path_ids.items():
            codes.append(not_found_code(name) if is_id else ErrorCode.validation_failed)
        if self.path_ids:
            # The router's answers when a path value makes the path match no route (an id
            # that is not a whole number, a `/` in a name) or another route's path.
            codes += [ErrorCode.not_found, ErrorCode.method_not_allowed]
        if self.auth:
            codes.append(ErrorCode.not_authenticated)
            if self.method not in ("GET", "HEAD"):
                codes.append(ErrorCode.origin_not_allowed)
        if self.body is not None:
            codes += [
                ErrorCode.invalid_json,
                ErrorCode.validation_failed,
                ErrorCode.frame_too_large,
            ]
        if self.query:
            codes.append(ErrorCode.validation_failed)
        codes.append(ErrorCode.internal)
        return list(dict.fromkeys(codes))


def _status_of(code: ErrorCode) -> int:
    return HubError(code, "").status


def _error_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "additionalProperties": False,
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "enum": [code.value for code in ErrorCode]},
                    "message": {"type": "string"},
                    "details": {"type": "object"},
                },
            }
        },
    }


def _path_parameters(route: ApiRoute) -> list[dict[str, Any]]:
    params = []
    for name, convertor in _PATH_PARAM.findall(route.path):
        # `{name:int}` matches digits only, so a path id is never negative.
        schema: dict[str, Any] = route.path_schemas.get(name) or (
            {"type": "integer", "minimum": 1} if convertor == "int" else {"type": "string"}
        )
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    return params


def build_document(routes: Iterable[BaseRoute], *, version: str = "0.1.0") -> dict[str, Any]:
    api_routes = [route for route in routes if isinstance(route, ApiRoute)]
    models: dict[tuple[type[BaseModel], Literal["validation", "serialization"]], None] = {}
    for route in api_routes:
        if route.body is not None:
            models[(route.body, "validation")] = None
        for spec in route.responses.values():
            for model in _models_of(spec):
                models[(model, "serialization")] = None
    refs, top = models_json_schema(list(models), ref_template="#/components/schemas/{model}")
    schemas: dict[str, Any] = dict(top.get("$defs", {}))
    schemas["Error"] = _error_schema()

    paths: dict[str, dict[str, Any]] = {}
    for route in api_routes:
        operation: dict[str, Any] = {
            "operationId": route.name,
            "summary": route.summary,
            "description": route.doc,
            "tags": [route.tag],
            "responses": {},
        }
        if not route.auth:
            operation["security"] = []
        parameters = _path_parameters(route) + [
            {
                "name": p.name,
                "in": "query",
                "required": p.required,
                "description": p.description,
                "schema": p.schema(),
            }
            for p in route.query
        ]
        if parameters:
            operation["parameters"] = parameters
        if route.body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": refs[(route.body, "validation")]}},
            }
        if route.raw_body is not None:
            operation["requestBody"] = {
                "required": True,
                "description": route.raw_body,
                "content": {
                    "*/*": {
                        # Any bytes of any type: the part's own Content-Type says which.
                        "schema": {}
                    }
                },
            }
        for status, spec in sorted(route.responses.items()):
            operation["responses"][str(status)] = _success_response(spec, refs)
        for status, text in route.binary_responses.items():
            operation["responses"][str(status)] = {
                "description": text,
                "content": {
                    "*/*": {
                        # Never empty: a raw body of no bytes is refused.
                        "schema": {
                            "type": "string",
                            "contentMediaType": "application/octet-stream",
                            "minLength": 1,
                        }
                    }
                },
            }
        for status, text in route.text_responses.items():
            content = operation["responses"][str(status)].setdefault("content", {})
            content["text/plain"] = {"schema": {"type": "string", "const": text}}
        by_status: dict[int, list[str]] = {}
        for code in route.error_codes():
            by_status.setdefault(_status_of(code), []).append(code.value)
        for status, codes in sorted(by_status.items()):
            operation["responses"][str(status)] = {
                "description": "Error: " + ", ".join(codes),
                "content": {
                    "application/json": {
                        "schema": {
                            "allOf": [
                                {"$ref": "#/components/schemas/Error"},
                                {
                                    "properties": {
                                        "error": {"properties": {"code": {"enum": codes}}}
                                    }
                                },
                            ]
                        }
                    }
                },
            }
        paths.setdefault(route.openapi_path, {})[route.method.lower()] = operation

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "The hub HTTP API",
            "version": version,
            "description": "Chat, channels and people. See docs/api.md for auth, errors, paging and idempotency.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "cookie": {"type": "apiKey", "in": "cookie", "name": "hub_session"},
                "bearer": {"type": "http", "scheme": "bearer"},
            },
        },
        "security": [{"cookie": []}, {"bearer": []}],
    }


def _models_of(spec: ResponseSpec) -> tuple[type[BaseModel], ...]:
    if spec is None:
        return ()
    if isinstance(spec, tuple):
        return spec
    return (spec,)


def _success_response(spec: ResponseSpec, refs: dict[Any, Any]) -> dict[str, Any]:
    models = _models_of(spec)
    if not models:
        return {"description": "No content."}
    if len(models) == 1:
        schema = refs[(models[0], "serialization")]
    else:
        schema = {"oneOf": [refs[(model, "serialization")] for model in models]}
    summary = models[0].__doc__ or models[0].__name__
    return {
        "description": summary.strip().splitlines()[0],
        "content": {"application/json": {"schema": schema}},
    }
