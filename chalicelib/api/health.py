from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.api.deferred import services
from chalicelib.api.responses import json_response
from chalicelib.api.routing import endpoint
from chalicelib.api.security import Call

health = Blueprint(__name__)


@endpoint(health, "/api/health", "GET", summary="The service and its database answer")
def get_health(call: Call) -> Response:
    services.health.check_database()
    return json_response({"status": "ok"})
