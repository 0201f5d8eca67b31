"""The OpenAPI 3.1 document, built from the route table and the pydantic schemas, so it
cannot drift from the code."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from chalicelib.api.deferred import resolve
from chalicelib.api.routing import JSON, MULTIPART, OPERATIONS, Operation, SchemaRef

REF = "#/components/schemas/{model}"
PATH_PARAMETER = re.compile(r"{(\w+)}")
ERROR_DESCRIPTIONS = {
    400: "Invalid input: field errors or a detail",
    401: "No credentials, or invalid or expired ones",
    403: "Not allowed, or a failed CSRF check",
    404: "Not found",
    409: "Conflicts with stored state",
    413: "Body too large",
    415: "Unsupported content type",
    429: "Throttled; see Retry-After",
    503: "The database is busy; see Retry-After",
}
HEADER_DESCRIPTIONS = {
    "Idempotency-Key": "Repeating a request with the same key within 24 hours returns the "
    "first response and creates nothing; the same key with another body is a 409.",
    "X-Cart-Token": "The `cart_token` of a guest cart from POST /api/cart/guest/.",
}
SECURITY_SCHEMES = {
    "token": {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "`Token <token>` from POST /api/auth/login/",
    },
    "bearer": {"type": "http", "scheme": "bearer"},
    "cartToken": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Cart-Token",
        "description": "A guest cart's token, accepted by the cart endpoints instead of a "
        "login (except checkout and merge).",
    },
    "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": "sessionid",
        "description": "Unsafe methods also need header X-CSRFToken equal to the csrftoken cookie.",
    },
}
ERROR_SCHEMAS = {
    "Detail": {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "FieldErrors": {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    },
}


def _model(reference: SchemaRef | None) -> type[BaseModel] | None:
    return None if reference is None else resolve(reference)


class _Schemas:
    """Component schemas, with request bodies in validation mode and responses in
    serialization mode (they differ where a field is serialized, e.g. money as text)."""

    def __init__(self, operations: list[Operation]) -> None:
        keys: dict[tuple[type[BaseModel], str], None] = {}
        for operation in operations:
            body, response = _model(operation.body), _model(operation.response)
            if body is not None:
                keys[(body, "validation")] = None
            if response is not None:
                keys[(response, "serialization")] = None
        refs, document = models_json_schema(list(keys), ref_template=REF)  # type: ignore[arg-type]
        self.refs: dict[tuple[type[BaseModel], str], dict[str, Any]] = dict(refs)  # type: ignore[arg-type]
        self.components = {**document.get("$defs", {}), **ERROR_SCHEMAS}

    def body(self, model: type[BaseModel]) -> dict[str, Any]:
        return self.refs[(model, "validation")]

    def response(self, model: type[BaseModel]) -> dict[str, Any]:
        return self.refs[(model, "serialization")]


def _parameters(operation: Operation) -> list[dict[str, Any]]:
    path_schema: dict[str, Any] = {"type": "integer", "minimum": 1}
    if operation.path_values:
        path_schema = {"type": "string", "enum": list(operation.path_values)}
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": path_schema}
        for name in PATH_PARAMETER.findall(operation.path)
    ]
    headers = operation.headers
    if operation.access == "cart":
        headers = (*headers, "X-Cart-Token")
    parameters += [
        {
            "name": header,
            "in": "header",
            "required": False,
            "description": HEADER_DESCRIPTIONS[header],
            "schema": {"type": "string"},
        }
        for header in headers
    ]
    query = _model(operation.query)
    if query is not None:
        schema = query.model_json_schema()
        for name, field_schema in schema.get("properties", {}).items():
            parameters.append(
                {"name": name, "in": "query", "required": False, "schema": field_schema}
            )
    return parameters


def _success(operation: Operation, schemas: _Schemas) -> dict[str, Any]:
    if operation.status == 204:
        return {"description": "No content"}
    response: dict[str, Any] = {"description": operation.summary}
    response_model = _model(operation.response)
    if response_model is not None:
        schema: dict[str, Any] = schemas.response(response_model)
        if operation.many:
            schema = {"type": "array", "items": schema}
        response["content"] = {"application/json": {"schema": schema}}
    elif operation.media_type != JSON:
        response["content"] = {operation.media_type: {"schema": {"type": "string"}}}
    else:
        response["content"] = {"application/json": {"schema": {"type": "object"}}}
    if operation.paged:
        response["headers"] = {
            "Link": {
                "description": 'Present when more items follow: `<url>; rel="next"`',
                "schema": {"type": "string"},
            }
        }
    return response


def _body_schema(content_type: str, schema: dict[str, Any]) -> dict[str, Any]:
    """A form upload carries the same fields as the JSON body, plus the image file."""
    if content_type != MULTIPART:
        return schema
    image = {"type": "string", "format": "binary", "description": "JPEG, PNG, WebP or GIF"}
    return {"allOf": [schema, {"type": "object", "properties": {"image": image}}]}


def _error_statuses(operation: Operation) -> list[int]:
    statuses = {400, 503, *operation.errors}
    if operation.access != "public":
        statuses |= {401, 403}
    if PATH_PARAMETER.search(operation.path):
        statuses.add(404)
    return sorted(statuses)


def _tag(path: str) -> str:
    """The segment after /api/ (``products``); the root, /api/ itself, is ``api``."""
    segments = path.strip("/").split("/")
    return segments[1] if len(segments) > 1 else segments[0]


def _operation(operation: Operation, schemas: _Schemas) -> dict[str, Any]:
    described: dict[str, Any] = {
        "summary": operation.summary,
        "operationId": f"{operation.method.lower()}{operation.path.replace('/', '_')}",
        "tags": [_tag(operation.path)],
        "parameters": _parameters(operation),
        "responses": {str(operation.status): _success(operation, schemas)},
    }
    for status in _error_statuses(operation):
        schema = "FieldErrors" if status == 400 else "Detail"
        described["responses"][str(status)] = {
            "description": ERROR_DESCRIPTIONS[status],
            "content": {"application/json": {"schema": {"$ref": REF.format(model=schema)}}},
        }
    body = _model(operation.body)
    if body is not None:
        described["requestBody"] = {
            "required": True,
            "content": {
                content_type: {"schema": _body_schema(content_type, schemas.body(body))}
                for content_type in operation.content_types
            },
        }
    if operation.access == "public":
        described["security"] = []
    else:
        described["security"] = [{"token": []}, {"bearer": []}, {"session": []}]
        if operation.access == "cart":
            described["security"].append({"cartToken": []})
        if operation.access == "staff":
            described["description"] = "Staff only."
    return described


def openapi_document(server_url: str) -> dict[str, Any]:
    schemas = _Schemas(OPERATIONS)
    paths: dict[str, dict[str, Any]] = {}
    for operation in OPERATIONS:
        path = operation.path.rstrip("/") + "/"
        paths.setdefault(path, {})[operation.method.lower()] = _operation(operation, schemas)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Shop API",
            "version": "1.0.0",
            "description": "Categories, products, users and sessions. Every path also "
            "works without its trailing slash. Lists are paged with `limit` and `cursor`.",
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {"schemas": schemas.components, "securitySchemes": SECURITY_SCHEMES},
    }
