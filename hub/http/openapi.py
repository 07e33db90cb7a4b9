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

from hub.errors import ErrorCode, HubError

ResponseSpec = type[BaseModel] | tuple[type[BaseModel], ...] | None
_PATH_PARAM = re.compile(r"{([a-zA-Z_][a-zA-Z0-9_]*)(?::([a-z]+))?}")


@dataclass(frozen=True)
class Param:
    """A query parameter: its documentation and its parser in one place."""

    name: str
    kind: Literal["int", "str", "bool", "int_list"]
    description: str
    default: Any = None
    minimum: int | None = None
    maximum: int | None = None
    required: bool = False

    def schema(self) -> dict[str, Any]:
        if self.kind == "int_list":
            return {"type": "string", "pattern": r"^\d+(,\d+)*$"}
        schema: dict[str, Any] = {
            "type": {"int": "integer", "str": "string", "bool": "boolean"}[self.kind]
        }
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        if self.maximum is not None:
            schema["maximum"] = self.maximum
        if self.default is not None:
            schema["default"] = self.default
        return schema

    def read(self, request: Request) -> Any:
        raw = request.query_params.get(self.name)
        if raw is None or raw == "":
            if self.required:
                raise HubError(
                    ErrorCode.validation_failed, f"Query parameter `{self.name}` is required."
                )
            return self.default
        if self.kind == "str":
            if self.maximum is not None and len(raw) > self.maximum:
                raise HubError(
                    ErrorCode.validation_failed,
                    f"`{self.name}` is at most {self.maximum} characters.",
                )
            return raw
        if self.kind == "bool":
            if raw.lower() not in ("true", "false", "1", "0"):
                raise HubError(ErrorCode.validation_failed, f"`{self.name}` must be true or false.")
            return raw.lower() in ("true", "1")
        if self.kind == "int_list":
            try:
                values = [int(part) for part in raw.split(",")]
            except ValueError:
                raise HubError(
                    ErrorCode.validation_failed, f"`{self.name}` must be comma-separated integers."
                ) from None
            if self.maximum is not None and len(values) > self.maximum:
                raise HubError(
                    ErrorCode.validation_failed, f"`{self.name}` names at most {self.maximum} ids."
                )
            return values
        try:
            value = int(raw)
        except ValueError:
            raise HubError(
                ErrorCode.validation_failed, f"`{self.name}` must be an integer."
            ) from None
        if (self.minimum is not None and value < self.minimum) or (
            self.maximum is not None and value > self.maximum
        ):
            raise HubError(
                ErrorCode.validation_failed,
                f"`{self.name}` must be between {self.minimum} and {self.maximum}.",
            )
        return value


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
        self.doc = description or (endpoint.__doc__ or "").strip() or summary

    @property
    def openapi_path(self) -> str:
        return _PATH_PARAM.sub(lambda m: "{" + m.group(1) + "}", self.path)

    def error_codes(self) -> list[ErrorCode]:
        codes = list(self.errors)
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
        schema: dict[str, Any] = {"type": "integer"} if convertor == "int" else {"type": "string"}
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
                        "schema": {"type": "string", "contentMediaType": "application/octet-stream"}
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
                        "schema": {"type": "string", "contentMediaType": "application/octet-stream"}
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
