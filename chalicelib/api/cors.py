"""Cross-origin access: which origins may call the API, and the headers that say so.

The allowed origin is echoed back (never ``*``) because browsers send cookies only to
origins that are named exactly.
"""

from __future__ import annotations

import re

from chalicelib.config import get_settings

ALLOWED_HEADERS = (
    "Authorization,Content-Type,X-CSRFToken,X-Cart-Token,Idempotency-Key,If-None-Match"
)
ALLOWED_METHODS = "GET,HEAD,POST,PUT,PATCH,DELETE,OPTIONS"
# The response headers this API sends that a browser would otherwise hide from scripts
# (Cache-Control, Content-Type and the like are always readable).
EXPOSED_HEADERS = "Link,Retry-After,Idempotent-Replayed,ETag,Allow,WWW-Authenticate"
PREFLIGHT_MAX_AGE = "600"
LOCAL_ORIGIN = re.compile(r"^http://(localhost|127\.0\.0\.1)(:\d{1,5})?$")


def origin_allowed(origin: str) -> bool:
    settings = get_settings()
    if settings.is_local and LOCAL_ORIGIN.match(origin):
        return True
    return origin in settings.cors_allowed_origins


def cors_headers(origin: str | None) -> dict[str, str]:
    if not origin or not origin_allowed(origin):
        return {"Vary": "Origin"}
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Expose-Headers": EXPOSED_HEADERS,
        "Vary": "Origin",
    }


def preflight_headers(origin: str | None) -> dict[str, str]:
    headers = cors_headers(origin)
    if "Access-Control-Allow-Origin" in headers:
        headers.update(
            {
                "Access-Control-Allow-Methods": ALLOWED_METHODS,
                "Access-Control-Allow-Headers": ALLOWED_HEADERS,
                "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
            }
        )
    return headers
