from __future__ import annotations

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.api.responses import json_response
from chalicelib.api.routing import endpoint
from chalicelib.services.health import check_database

health = Blueprint(__name__)


@endpoint(health, "/api/health", "GET", summary="The service and its database answer")
def get_health(request: Request) -> Response:
    check_database()
    return json_response({"status": "ok"})
