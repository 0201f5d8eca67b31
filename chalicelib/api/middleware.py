"""Applied to every response: the API's error shape, CORS headers and one log line."""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable
from typing import Any

from chalice import Chalice, Response
from chalice.app import Request

from chalicelib.api.cors import cors_headers

logger = logging.getLogger("shop.access")

# Chalice answers some requests itself (415, a body it cannot decode) with
# ``{"Code": ..., "Message": ...}``; clients of this API expect ``{"detail": ...}``.
CHALICE_ERROR_KEYS = {"Code", "Message"}


def _reshape_chalice_error(response: Response) -> None:
    body = response.body
    if isinstance(body, dict) and set(body) == CHALICE_ERROR_KEYS:
        response.body = json.dumps({"detail": body["Message"]})
        response.headers["Content-Type"] = "application/json"


def _log(request: Request, response: Response, started: float) -> None:
    context = request.context or {}
    record = {
        "event": "request",
        "method": request.method,
        "path": context.get("path") or request.path,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        "request_id": context.get("requestId"),
    }
    logger.info(json.dumps(record))


def install_middleware(app: Chalice) -> None:
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False

    @app.middleware("http")
    def shape_every_response(request: Request, get_response: Callable[..., Any]) -> Response:
        started = time.perf_counter()
        response: Response = get_response(request)
        _reshape_chalice_error(response)
        for name, value in cors_headers(request.headers.get("origin")).items():
            response.headers.setdefault(name, value)
        _log(request, response, started)
        return response
