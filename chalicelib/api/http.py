"""Reading requests: JSON bodies, query strings, path ids, client identity."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from chalice.app import Request

from chalicelib.errors import MalformedRequest, NotFound, PayloadTooLarge

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Far above any form this API takes, and small enough that whatever it holds fits in one
# DynamoDB item (400 KB; a product keeps its description twice, once for search).
MAX_JSON_BODY_BYTES = 64 * 1024


def json_body(request: Request) -> Any:
    raw = request.raw_body
    if not raw or not raw.strip():
        return {}
    if len(raw) > MAX_JSON_BODY_BYTES:
        raise PayloadTooLarge()
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        # DRF's message, which quotes the JSON parser's (where the document went wrong).
        raise MalformedRequest(f"JSON parse error - {error}") from None
    except (ValueError, RecursionError):
        # Not a JSON error (bytes that are no text, nesting deeper than the parser goes):
        # a message of our own rather than Python's.
        raise MalformedRequest("JSON parse error - the body is not a JSON document.") from None
    try:
        # A lone surrogate (e.g. "\ud800") parses but is not text that can be stored.
        json.dumps(data, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        raise MalformedRequest("JSON parse error - Surrogate characters are not allowed.") from None
    except (ValueError, RecursionError):
        raise MalformedRequest("JSON parse error - the body is not a JSON document.") from None
    return data


def query_params(request: Request) -> dict[str, str]:
    """Single-valued query parameters; the last value wins, as in Django."""
    multi = request.query_params
    if not multi:
        return {}
    return {name: multi.getlist(name)[-1] for name in multi}


def is_id(value: str) -> bool:
    """Whether ``value`` is an id as paths and tokens write it: a positive integer of at
    most 18 digits (``MAX_ID``), so that a lookup never sends DynamoDB a number it
    refuses (more than 38 digits is a ValidationException, not a miss)."""
    # isdigit alone admits "²" and other digits int() refuses.
    return value.isascii() and value.isdigit() and len(value) <= 18 and int(value) >= 1


def path_id(value: str) -> int:
    """Ids are positive integers; anything else names nothing (404, not 400)."""
    if not is_id(value):
        raise NotFound()
    return int(value)


def cookies(request: Request) -> dict[str, str]:
    header = request.headers.get("cookie")
    if not header:
        return {}
    # Imported here: only requests that send cookies pay for the module (its patterns and
    # tables), a cold product read does not.
    from http.cookies import CookieError, SimpleCookie

    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


def client_address(request: Request) -> str:
    identity = (request.context or {}).get("identity") or {}
    return str(identity.get("sourceIp") or "unknown")


def absolute_url(request: Request, query: dict[str, Any]) -> str:
    """The URL a client uses for this request's path with ``query``.

    Behind the deployed CloudFront distribution, API Gateway sees its own host and the
    stage that the distribution's origin path adds; the distribution's viewer-request
    function (deploy/resources.json) passes the client's host as ``X-Forwarded-Host``,
    and the stage is then not part of the client's path."""
    headers = request.headers
    context = request.context or {}
    scheme = headers.get("x-forwarded-proto", "http")
    path = context.get("path") or request.path
    host = headers.get("x-forwarded-host")
    if host:
        stage_prefix = f"/{context.get('stage')}/"
        if context.get("stage") and path.startswith(stage_prefix):
            path = path[len(stage_prefix) - 1 :]
    else:
        host = headers.get("host", "localhost")
    return f"{scheme}://{host}{path}?{urlencode(query)}"
