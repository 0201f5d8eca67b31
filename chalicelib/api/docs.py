"""``GET /api/docs/``: Swagger UI over this API's OpenAPI document (``/api/schema/``).

Swagger UI's files ship inside the function (``docs_assets/``, copied unchanged from the
pinned ``drf-spectacular-sidecar`` package, see docs/architecture.md) and are served
from a fixed list under ``/api/docs/``: the page loads nothing from another origin, and
its Content-Security-Policy says so. The page's own start-up code is a served file too
(``docs.js``), as the policy allows no inline script.
"""

from __future__ import annotations

import functools
import hashlib
import html
from pathlib import Path
from typing import Any

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.api.routing import endpoint
from chalicelib.api.security import Call
from chalicelib.errors import NotFound

docs = Blueprint(__name__)

ASSET_DIRECTORY = Path(__file__).with_name("docs_assets")
ASSET_TYPES = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "docs.js": "text/javascript; charset=utf-8",
}
# Swagger UI's stylesheet draws its icons with data: URIs; everything else, the document
# and "Try it out" requests included, comes from this origin.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)
# Asset URLs carry a hash of their content, so a browser may keep them for good; the page,
# which names the current hashes, is revalidated on every visit.
ASSET_CACHE_CONTROL = "public, max-age=31536000, immutable"
PAGE_CACHE_CONTROL = "no-cache"
PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Shop API</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{swagger-ui.css}">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{swagger-ui-bundle.js}"></script>
<script src="{docs.js}"></script>
</body>
</html>
"""


@functools.cache
def asset_text(name: str) -> str:
    return (ASSET_DIRECTORY / name).read_text(encoding="utf-8")


@functools.cache
def asset_version(name: str) -> str:
    return hashlib.sha256(asset_text(name).encode()).hexdigest()[:16]


def docs_base_path(request: Request) -> str:
    """The page's own path ending in ``/`` (``/prod/api/docs/`` behind a deployed stage),
    so that asset URLs resolve whether or not the page was asked for with its slash."""
    path: str = (request.context or {}).get("path") or request.path
    return path.rstrip("/") + "/"


def page_html(base_path: str) -> str:
    page = PAGE
    for name in ASSET_TYPES:
        url = f"{base_path}{name}?v={asset_version(name)}"
        page = page.replace("{" + name + "}", html.escape(url))
    return page


def text_response(body: str, content_type: str, headers: dict[str, Any]) -> Response:
    return Response(
        body=body,
        status_code=200,
        headers={"Content-Type": content_type, "X-Content-Type-Options": "nosniff", **headers},
    )


@endpoint(docs, "/api/docs", "GET", summary="This API's interactive documentation (Swagger UI)",
          media_type="text/html")  # fmt: skip
def get_docs_page(call: Call) -> Response:
    return text_response(
        page_html(docs_base_path(call.request)),
        "text/html; charset=utf-8",
        {"Content-Security-Policy": CONTENT_SECURITY_POLICY, "Cache-Control": PAGE_CACHE_CONTROL},
    )


@endpoint(docs, "/api/docs/{asset}", "GET", summary="A script or stylesheet of the docs page",
          media_type="text/*", path_values=tuple(ASSET_TYPES))  # fmt: skip
def get_docs_asset(call: Call, asset: str) -> Response:
    content_type = ASSET_TYPES.get(asset)
    if content_type is None:  # a fixed list: no path ever reaches the file system
        raise NotFound()
    return text_response(asset_text(asset), content_type, {"Cache-Control": ASSET_CACHE_CONTROL})
