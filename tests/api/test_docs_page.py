"""GET /api/docs/: Swagger UI over /api/schema/, with every file it needs served by the
API itself under a strict Content-Security-Policy."""
# ruff: noqa: F811  (test parameters name the fixtures imported from module_tables)

from __future__ import annotations

import hashlib
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

# Tables emptied once per module: these fixtures replace the per-test ones of the same names.
from module_tables import api, shopper, staff  # noqa: F401

ASSETS = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "docs.js": "text/javascript",
}
# The page's scripts and stylesheets (its icon is an empty data: URL, so no request).
REFERENCE = re.compile(r'<(?:script\b[^>]*\bsrc|link rel="stylesheet" href)="([^"]*)"')
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.DOTALL)


def get(api: Any, path: str, **headers: str) -> Any:
    """The raw response: the docs page and its assets are not JSON."""
    return api.client.http.get(path, headers=headers)


def header(response: Any, name: str) -> str:
    return next(v for k, v in response.headers.items() if k.lower() == name.lower())


def policy(response: Any) -> dict[str, list[str]]:
    directives = header(response, "Content-Security-Policy").split(";")
    parsed = [directive.split() for directive in directives if directive.strip()]
    return {name: sources for name, *sources in parsed}


@pytest.fixture(scope="module")
def page(shared_api: Any) -> Any:
    return get(shared_api, "/api/docs/")


def test_the_docs_page_is_html(page):
    assert page.status_code == 200
    assert header(page, "Content-Type") == "text/html; charset=utf-8"
    assert b'<div id="swagger-ui">' in page.body


def test_the_page_loads_its_scripts_and_stylesheet_from_the_api_itself(page):
    paths = {urlsplit(url).path for url in REFERENCE.findall(page.body.decode())}
    assert paths == {f"/api/docs/{name}" for name in ASSETS}


def test_the_page_has_no_inline_script(page):
    scripts = SCRIPT.findall(page.body.decode())
    assert scripts and all(
        "src=" in attributes and not body.strip() for attributes, body in scripts
    )


def test_the_policy_allows_only_this_origin_and_no_inline_or_evaluated_code(page):
    directives = policy(page)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["connect-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]  # the stylesheet's icons
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


def test_the_page_works_without_its_trailing_slash(shared_api, page):
    assert get(shared_api, "/api/docs").body == page.body


@pytest.mark.parametrize(("name", "content_type"), sorted(ASSETS.items()))
def test_each_asset_is_served_with_its_content_type(shared_api, name, content_type):
    response = get(shared_api, f"/api/docs/{name}")
    assert response.status_code == 200
    assert header(response, "Content-Type") == f"{content_type}; charset=utf-8"
    assert header(response, "X-Content-Type-Options") == "nosniff"
    assert len(response.body) > 500


@pytest.mark.parametrize("name", sorted(ASSETS))
def test_asset_urls_carry_a_hash_of_the_content_so_browsers_keep_them_a_year(
    shared_api, page, name
):
    url = next(url for url in REFERENCE.findall(page.body.decode()) if name in url)
    response = get(shared_api, url)
    (version,) = parse_qs(urlsplit(url).query)["v"]
    assert hashlib.sha256(response.body).hexdigest().startswith(version)
    assert header(response, "Cache-Control") == "public, max-age=31536000, immutable"


@pytest.mark.parametrize(
    "name", ["unknown.js", "LICENSE", "swagger-ui-bundle.js.map", "..%2Fdocs.py", "%2E%2E"]
)
def test_a_file_not_on_the_list_is_a_404(shared_api, name):
    response = get(shared_api, f"/api/docs/{name}")
    assert response.status_code == 404
    assert response.body == b'{"detail":"Not found."}'


def test_the_page_and_its_assets_are_operations_of_the_openapi_document(shared_api):
    paths = shared_api.get("/api/schema/").body["paths"]
    page = paths["/api/docs/"]["get"]
    assert list(page["responses"]["200"]["content"]) == ["text/html"]
    (asset,) = paths["/api/docs/{asset}/"]["get"]["parameters"]
    assert asset["schema"] == {"type": "string", "enum": list(ASSETS)}
