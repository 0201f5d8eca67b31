"""The headers that tell browsers and caches what they may do with a response: ``nosniff``
everywhere, ``Cache-Control`` by what the response carries, ``ETag`` and ``304`` for the
public catalog, ``Allow`` on every 405, and HEAD as GET without the body.

A catalog read (``routing.is_catalog_read``) is the same for every caller, so it is
``public`` with a short ``max-age`` (per stage, ``CATALOG_MAX_AGE``) and an ETag. Every
other response, errors included, may carry tokens or personal data, or must reach the
function each time (health), so it is ``private, no-store``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any

from chalice import Response
from chalice.app import Request, handle_extra_types

from chalicelib.api.routing import Operation, allowed_methods, is_catalog_read, operation_of
from chalicelib.config import get_settings

NOT_STORED = "private, no-store"
READS = frozenset({"GET", "HEAD"})
# What a 304 keeps of the 200 it stands for (RFC 9110 15.4.5: the headers a cache
# updates its stored response with); CORS headers are added after this.
KEPT_BY_NOT_MODIFIED = frozenset(
    {"etag", "cache-control", "vary", "link", "x-content-type-options", "expires"}
)
_ENTITY_TAG = re.compile(r'(?:W/)?"[^"]*"')


def catalog_cache_control() -> str:
    settings = get_settings()
    return (
        f"public, max-age={settings.catalog_max_age or 0}, "
        f"stale-while-revalidate={settings.catalog_stale_while_revalidate or 0}"
    )


def body_bytes(response: Response) -> bytes:
    """The bytes the body goes out as (chalice serialises a non-string body so)."""
    body = response.body
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if not isinstance(body, str):
        body = json.dumps(body, separators=(",", ":"), default=handle_extra_types)
    return body.encode("utf-8")


def _header(response: Response, name: str) -> Any:
    wanted = name.lower()
    return next((v for k, v in response.headers.items() if k.lower() == wanted), None)


def entity_tag(response: Response) -> str:
    """A strong ETag of what the response shows: its body and its ``Link`` (a page whose
    items did not change gains a next link when an item is added after them)."""
    digest = hashlib.sha256(body_bytes(response))
    link = _header(response, "Link")
    if link:
        digest.update(b"\nLink: " + str(link).encode("utf-8"))
    return '"' + base64.urlsafe_b64encode(digest.digest()[:18]).decode("ascii") + '"'


def none_match(if_none_match: str, etag: str) -> bool:
    """Whether ``If-None-Match`` names the current representation: ``*``, or a list of
    entity tags one of which equals ``etag`` by the weak comparison (RFC 9110 8.8.3.2:
    ``W/`` is ignored)."""
    if if_none_match.strip() == "*":
        return True
    current = etag.removeprefix("W/")
    return any(tag.removeprefix("W/") == current for tag in _ENTITY_TAG.findall(if_none_match))


def _not_modified(response: Response) -> Response:
    headers = {k: v for k, v in response.headers.items() if k.lower() in KEPT_BY_NOT_MODIFIED}
    return Response(body="", status_code=304, headers=headers)


def _keeps_its_own_policy(operation: Operation | None, response: Response) -> bool:
    """A public route's successful answer may say how it is cached itself (the docs
    page's versioned assets are immutable); nothing else may."""
    return (
        operation is not None
        and operation.access == "public"
        and response.status_code < 300
        and _header(response, "Cache-Control") is not None
    )


def apply_header_policy(request: Request, response: Response) -> Response:
    """The response with the headers above; for a matching ``If-None-Match`` a 304, and
    for HEAD the same response without its body."""
    route = (request.context or {}).get("resourcePath")
    method = (request.method or "").upper()
    response.headers["X-Content-Type-Options"] = "nosniff"
    if response.status_code == 405 and route:
        response.headers["Allow"] = ", ".join(allowed_methods(route))
    operation = operation_of(route, method) if route else None
    if method in READS and response.status_code == 200 and is_catalog_read(operation):
        etag = entity_tag(response)
        response.headers["ETag"] = etag
        response.headers["Cache-Control"] = catalog_cache_control()
        if_none_match = request.headers.get("if-none-match")
        if if_none_match and none_match(if_none_match, etag):
            response = _not_modified(response)
    elif not _keeps_its_own_policy(operation, response):
        response.headers["Cache-Control"] = NOT_STORED
    if method == "HEAD":
        length = len(body_bytes(response))
        response.body = ""
        if response.status_code not in (204, 304):
            # What GET would have sent (RFC 9110 8.6); the local server keeps it.
            response.headers["Content-Length"] = str(length)
    return response
