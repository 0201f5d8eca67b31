"""The one place where domain errors become HTTP responses."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from chalice import Response
from pydantic import BaseModel

from chalicelib import errors
from chalicelib.config import get_settings
from chalicelib.deferred import dynamodb

logger = logging.getLogger("shop")

STATUS_BY_ERROR: list[tuple[type[errors.ShopError], int]] = [
    (errors.InvalidInput, 400),
    (errors.BusinessRuleViolated, 400),
    (errors.MalformedRequest, 400),
    (errors.NotAuthenticated, 401),
    (errors.AuthenticationFailed, 401),
    (errors.PermissionDenied, 403),
    (errors.NotFound, 404),
    (errors.MethodNotAllowed, 405),
    (errors.Conflict, 409),
    (errors.PayloadTooLarge, 413),
    (errors.UnsupportedMediaType, 415),
    (errors.Throttled, 429),
    (errors.ServiceUnavailable, 503),
]


def json_text(body: Any) -> str:
    """JSON as pydantic's ``model_dump_json`` writes it: compact, text left unescaped."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)


def json_response(body: Any, status: int = 200, headers: dict[str, Any] | None = None) -> Response:
    return Response(
        body=json_text(body),
        status_code=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def status_of(error: errors.ShopError) -> int:
    for error_type, status in STATUS_BY_ERROR:
        if isinstance(error, error_type):
            return status
    return 400


def error_response(error: errors.ShopError) -> Response:
    if isinstance(error, errors.ServiceUnavailable):
        _log_storage_failure(error)  # here, where every 503 passes once
    headers: dict[str, Any] = {}
    body: dict[str, Any] = {"detail": error.detail}
    if isinstance(error, errors.InvalidInput):
        body = error.errors
    if isinstance(error, (errors.Throttled, errors.ServiceUnavailable)):
        headers["Retry-After"] = str(error.retry_after_seconds)
    if isinstance(error, (errors.NotAuthenticated, errors.AuthenticationFailed)):
        headers["WWW-Authenticate"] = 'Token realm="api"'
    return json_response(body, status_of(error), headers)


def _log_storage_failure(error: errors.ServiceUnavailable) -> None:
    """One line per 503 that a failed AWS call caused, naming the failure and endpoint in
    ``storage_error`` (a CloudWatch metric filter counts the lines that carry it). A 503
    for another reason (writers that keep losing races) is not one."""
    failure = dynamodb.failures.describe_storage_failure(error)
    if failure is not None:
        endpoint, underlying = _storage_endpoint(failure), _underlying(error)
        logger.warning(
            "storage unavailable at %s: %s: %s",
            endpoint,
            type(underlying).__name__,
            underlying,
            extra={"storage_error": failure},
        )


def _storage_endpoint(failure: str) -> str:
    """The emulator's URL when one is configured (what a developer compares with the
    emulator they started), else the AWS host that ``failure`` names."""
    _, at, host = failure.rpartition(" at ")
    return get_settings().aws_endpoint_url or (host if at else "AWS")


def _underlying(error: BaseException) -> BaseException:
    """The innermost cause: the botocore error under PynamoDB's wrapping (``cause``)."""
    seen = {id(error)}
    while True:
        cause = getattr(error, "cause", None) or error.__cause__
        if not isinstance(cause, BaseException) or id(cause) in seen:
            return error
        seen.add(id(cause))
        error = cause


def unexpected_error_response(exc: BaseException) -> Response:
    # Loaded on first use: the store is an adapter, and only failures need its translation.
    translated = dynamodb.failures.as_shop_error(exc)
    if translated is not None:
        return error_response(translated)  # which logs the failure (its cause)
    logger.exception("unhandled error")
    return json_response({"detail": "A server error occurred."}, 500)


def model_response(
    model: BaseModel, status: int = 200, headers: dict[str, Any] | None = None
) -> Response:
    return Response(
        body=model.model_dump_json(),
        status_code=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def list_response(
    items: Sequence[BaseModel] | Sequence[dict[str, Any]], next_url: str | None = None
) -> Response:
    """Items are models, or plain dicts built to their schema (see api/products.py)."""
    body = "[" + ",".join(_item_json(item) for item in items) + "]"
    headers: dict[str, str | list[str]] = {"Content-Type": "application/json"}
    if next_url:
        headers["Link"] = f'<{next_url}>; rel="next"'
    return Response(body=body, status_code=200, headers=headers)


def _item_json(item: BaseModel | dict[str, Any]) -> str:
    return item.model_dump_json() if isinstance(item, BaseModel) else json_text(item)


def no_content() -> Response:
    return Response(body="", status_code=204, headers={})
