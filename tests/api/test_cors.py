"""Preflights succeed for the headers the API uses, and every
response, errors included, names an allowed origin (any http://localhost:* or
http://127.0.0.1:* in the local stages). Nothing here writes, so the tables are shared."""
# ruff: noqa: F811  (test parameters name the fixtures imported from module_tables)

from __future__ import annotations

from typing import Any

import pytest

# Tables emptied once per module: these fixtures replace the per-test ones of the same names.
from module_tables import api, shopper, staff  # noqa: F401

LOCAL_ORIGIN = "http://localhost:3000"
API_HEADERS = ["Authorization", "Content-Type", "X-CSRFToken", "X-Cart-Token", "Idempotency-Key"]


# Each test here works on records of its own, so the module shares one set of tables
# (see tests/api/conftest.py).


def listed(value: str) -> set[str]:
    return {item.strip().lower() for item in value.split(",") if item.strip()}


ERRORS = [
    ("GET", "/api/users/me/", None, 401),
    ("GET", "/api/products/999/", None, 404),
    ("GET", "/api/products/?limit=0", None, 400),
    ("POST", "/api/auth/login/", {"username": "x", "password": "wrong-password-1"}, 400),
    ("DELETE", "/api/products/", None, 405),
]


@pytest.mark.parametrize(("method", "path", "body", "status"), ERRORS)
def test_an_error_response_names_an_allowed_local_origin(api, method, path, body, status):
    reply = api.request(method, path, body, headers={"Origin": LOCAL_ORIGIN})
    assert reply.status == status
    assert reply.headers["Access-Control-Allow-Origin"] == LOCAL_ORIGIN
    assert reply.headers["Access-Control-Allow-Credentials"] == "true"


def test_an_unsupported_media_type_response_names_an_allowed_origin(api):
    headers = {"Origin": LOCAL_ORIGIN, "Content-Type": "text/plain"}
    reply = api.post("/api/auth/login/", raw="hello", headers=headers)
    assert reply.status == 415
    assert reply.headers["Access-Control-Allow-Origin"] == LOCAL_ORIGIN


@pytest.mark.parametrize(("method", "path", "body", "status"), ERRORS)
def test_an_error_response_does_not_name_a_foreign_origin(api, method, path, body, status):
    reply = api.request(method, path, body, headers={"Origin": "http://evil.example"})
    assert reply.status == status
    assert "Access-Control-Allow-Origin" not in reply.headers
    assert "Access-Control-Allow-Credentials" not in reply.headers


@pytest.mark.parametrize(
    "origin",
    ["http://localhost:3000", "http://localhost:5173", "http://127.0.0.1:8080", "http://localhost"],
)
def test_any_local_origin_is_allowed_in_the_test_stage(api, origin):
    reply = api.get("/api/products/", headers={"Origin": origin})
    assert reply.headers["Access-Control-Allow-Origin"] == origin


@pytest.mark.parametrize(
    "origin",
    [
        "http://evil.example", "https://localhost:3000", "http://localhost.evil.example",
        "http://evil.example/http://localhost:3000", "null",
    ],
)  # fmt: skip
def test_an_origin_that_only_looks_local_is_not_allowed(api, origin):
    reply = api.get("/api/products/", headers={"Origin": origin})
    assert "Access-Control-Allow-Origin" not in reply.headers


def test_the_allowed_origin_is_echoed_never_a_wildcard(api):
    reply = api.get("/api/products/", headers={"Origin": LOCAL_ORIGIN})
    assert reply.headers["Access-Control-Allow-Origin"] != "*"
    assert "origin" in listed(reply.headers["Vary"])


def test_a_page_on_another_origin_can_read_the_link_header(api):
    reply = api.get("/api/products/", headers={"Origin": LOCAL_ORIGIN})
    assert "link" in listed(reply.headers["Access-Control-Expose-Headers"])


def preflight(api: Any, path: str, method: str = "POST", origin: str = LOCAL_ORIGIN) -> Any:
    headers = {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": ",".join(API_HEADERS),
    }
    return api.request("OPTIONS", path, headers=headers)


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/api/auth/login/", "POST"), ("/api/products/", "POST"), ("/api/products/1/", "PATCH"),
        ("/api/categories/1/", "DELETE"), ("/api/users/me/", "GET"), ("/api/users/1", "PUT"),
    ],
)  # fmt: skip
def test_a_preflight_allows_the_method_and_every_header_the_api_uses(api, path, method):
    reply = preflight(api, path, method)
    assert reply.status in (200, 204)
    assert reply.headers["Access-Control-Allow-Origin"] == LOCAL_ORIGIN
    assert reply.headers["Access-Control-Allow-Credentials"] == "true"
    assert {header.lower() for header in API_HEADERS} <= listed(
        reply.headers["Access-Control-Allow-Headers"]
    )
    assert method.lower() in listed(reply.headers["Access-Control-Allow-Methods"])


def test_a_preflight_from_a_foreign_origin_grants_nothing(api):
    reply = preflight(api, "/api/products/", origin="http://evil.example")
    assert "Access-Control-Allow-Origin" not in reply.headers
    assert "Access-Control-Allow-Headers" not in reply.headers
