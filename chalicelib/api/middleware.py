"""Applied to every response: the API's error shape, the caching and security headers
(chalicelib/api/caching.py: nosniff, Cache-Control, ETag and 304, Allow, HEAD), CORS
headers and one log line."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

from chalice import Chalice, Response
from chalice.app import Request

from chalicelib import timeouts
from chalicelib.api.caching import apply_header_policy
from chalicelib.api.cors import cors_headers
from chalicelib.api.logs import configure_logging, current_request_id

logger = logging.getLogger("shop.access")

# Chalice answers some requests itself (415, a body it cannot decode) with
# ``{"Code": ..., "Message": ...}``; clients of this API expect ``{"detail": ...}``.
CHALICE_ERROR_KEYS = {"Code", "Message"}


def _reshape_chalice_error(response: Response) -> None:
    body = response.body
    if isinstance(body, dict) and set(body) == CHALICE_ERROR_KEYS:
        response.body = json.dumps({"detail": body["Message"]})
        response.headers["Content-Type"] = "application/json"


def _request_id(request: Request) -> str | None:
    """API Gateway's id for the request (the ``x-amzn-RequestId`` its client sees), else
    the Lambda invocation's id (all that ``chalice local`` and the test client have)."""
    context = request.context or {}
    lambda_context = getattr(request, "lambda_context", None)
    return context.get("requestId") or getattr(lambda_context, "aws_request_id", None)


def _seconds_left(request: Request) -> float | None:
    """What the Lambda invocation serving the request has left. API Gateway's Lambda,
    ``chalice local`` and chalice's test client all pass a context that knows (the last
    two from the config's ``lambda_timeout``); without one there is no deadline."""
    lambda_context = getattr(request, "lambda_context", None)
    remaining_ms = getattr(lambda_context, "get_remaining_time_in_millis", None)
    return remaining_ms() / 1000 if callable(remaining_ms) else None


def _log(request: Request, response: Response, started: float) -> None:
    context = request.context or {}
    fields = {
        "event": "request",
        "method": request.method,
        "path": context.get("path") or request.path,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
    }
    logger.info("%s %s %s", request.method, fields["path"], response.status_code, extra=fields)


def install_middleware(app: Chalice) -> None:
    configure_logging()

    @app.middleware("http")
    def shape_every_response(request: Request, get_response: Callable[..., Any]) -> Response:
        started = time.perf_counter()
        request_id = current_request_id.set(_request_id(request))
        # The deadline that AWS call attempts of this request must meet (see timeouts).
        budget = timeouts.start_request(_seconds_left(request))
        try:
            response: Response = get_response(request)
            _reshape_chalice_error(response)
            response = apply_header_policy(request, response)
            for name, value in cors_headers(request.headers.get("origin")).items():
                response.headers.setdefault(name, value)
            _log(request, response, started)
            return response
        finally:
            timeouts.end_request(budget)
            current_request_id.reset(request_id)
