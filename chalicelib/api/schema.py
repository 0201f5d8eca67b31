from __future__ import annotations

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.api.http import absolute_url
from chalicelib.api.responses import json_response
from chalicelib.api.routing import endpoint

schema = Blueprint(__name__)


@endpoint(schema, "/api/schema", "GET", summary="This OpenAPI 3.1 document")
def get_schema(request: Request) -> Response:
    # Imported here: only this rarely called path pays for building the document.
    from chalicelib.api.openapi import openapi_document

    server = absolute_url(request, {}).split("/api/schema")[0]
    return json_response(openapi_document(server))
