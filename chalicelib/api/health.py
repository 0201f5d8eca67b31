from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.api.deferred import deferred
from chalicelib.api.responses import json_response
from chalicelib.api.routing import endpoint

if TYPE_CHECKING:
    from chalicelib.services import health as health_service
else:
    health_service = deferred("chalicelib.services.health")

health = Blueprint(__name__)


@endpoint(health, "/api/health", "GET", summary="The service and its database answer")
def get_health(request: Request) -> Response:
    health_service.check_database()
    return json_response({"status": "ok"})
