from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.api.deferred import api
from chalicelib.api.http import absolute_url
from chalicelib.api.responses import json_response
from chalicelib.api.routing import endpoint
from chalicelib.api.security import Call

schema = Blueprint(__name__)


@endpoint(schema, "/api/schema", "GET", summary="This OpenAPI 3.1 document")
def get_schema(call: Call) -> Response:
    # Loaded on first use: only this rarely called path pays for building the document.
    server = absolute_url(call.request, {}).split("/api/schema")[0]
    return json_response(api.openapi.openapi_document(server))
