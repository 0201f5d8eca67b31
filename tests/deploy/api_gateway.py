"""API Gateway's side of the deploy rehearsal: routing a request by the REST API's own
definition (the template's OpenAPI paths) and turning it into the proxy event the
function receives, the way a deployed stage does."""

from __future__ import annotations

import base64
import re
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

BINARY_MEDIA_TYPES = ("multipart/form-data",)


class Routes:
    """The resource paths of the API, e.g. ``/api/products/{product_id}``."""

    def __init__(self, template: dict[str, Any]) -> None:
        definition = template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
        self.paths: dict[str, dict[str, Any]] = definition["paths"]
        self.gateway_responses: dict[str, Any] = definition.get(
            "x-amazon-apigateway-gateway-responses", {}
        )
        self.binary_types: list[str] = definition.get("x-amazon-apigateway-binary-media-types", [])
        self._patterns = [
            (re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path) + "$"), path)
            for path in self.paths
        ]

    def match(self, path: str) -> tuple[str, dict[str, str]] | None:
        """The resource path and path parameters for a request path; API Gateway accepts
        a trailing slash."""
        normalized = path.rstrip("/") or "/"
        for pattern, resource in self._patterns:
            found = pattern.match(normalized)
            if found:
                return resource, found.groupdict()
        return None


def proxy_event(
    routes: Routes,
    method: str,
    url: str,
    headers: dict[str, str],
    body: bytes,
    stage: str,
) -> dict[str, Any] | None:
    """The REST API proxy event for a request, or None when no resource matches (API
    Gateway answers that itself, with the MISSING_AUTHENTICATION_TOKEN response)."""
    parts = urlsplit(url)
    matched = routes.match(parts.path)
    if matched is None:
        return None
    resource, path_parameters = matched
    query = parse_qs(parts.query, keep_blank_values=True)
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    binary = any(content_type.startswith(t) for t in routes.binary_types) and bool(body)
    return {
        "resource": resource,
        "path": parts.path,
        "httpMethod": method,
        "headers": dict(headers),
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": path_parameters or None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method,
            "path": f"/{stage}{parts.path}",
            "stage": stage,
            "requestId": str(uuid.uuid4()),
            "apiId": "rehearsal",
            "domainName": "rehearsal.execute-api.us-east-1.amazonaws.com",
            "identity": {"sourceIp": "203.0.113.7", "userAgent": "rehearsal"},
        },
        "body": (base64.b64encode(body).decode() if binary else body.decode()) if body else None,
        "isBase64Encoded": binary,
    }
