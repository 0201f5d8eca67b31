"""Paths, path ids and the error statuses and bodies of malformed
requests. Nothing here writes, so the module shares one set of tables."""
# ruff: noqa: F811  (test parameters name the fixtures imported from module_tables)

from __future__ import annotations

import json
from typing import Any

import pytest
from helpers import BAD_CREDENTIALS, NOT_FOUND

# Tables emptied once per module: these fixtures replace the per-test ones of the same names.
from module_tables import api, shopper, staff  # noqa: F401

# Each test here works on records of its own, so the module shares one set of tables
# (see tests/api/conftest.py).


@pytest.fixture(scope="module", autouse=True)
def category_1_holding_product_1(shared_catalog: Any) -> dict[str, Any]:
    """The paths below name category 1 and product 1, so they must exist."""
    return shared_catalog.product(shared_catalog.category("Jackets")["id"])


# --- trailing slashes ------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/products", "/api/products/1", "/api/categories", "/api/categories/1",
        "/api/categories/1/products", "/api/health", "/api/users/me", "/api/users/1",
        "/api/auth/user",
    ],
)  # fmt: skip
def test_a_path_answers_the_same_with_and_without_its_trailing_slash(staff, path):
    without, with_slash = staff.get(path), staff.get(f"{path}/")
    assert without.status == with_slash.status == 200
    assert without.body == with_slash.body


def test_a_post_works_without_the_trailing_slash(api):
    reply = api.post("/api/auth/login", {"username": "staff", "password": "wrong-password-1"})
    assert (reply.status, reply.body) == (400, BAD_CREDENTIALS)


def test_a_query_string_works_after_a_path_without_its_slash(api):
    reply = api.get("/api/products?limit=1&ordering=-price")
    assert reply.status == 200 and len(reply.body) == 1


# --- path ids --------------------------------------------------------------------------

NOT_IDS = ["abc", "0", "-1", "1.5", "1e3", "0x1", "+1", "²", "%31", "9" * 19]
ID_PATHS = [
    "/api/products/{}/", "/api/categories/{}/", "/api/categories/{}/products/",
    "/api/users/{}/",
]  # fmt: skip


@pytest.mark.parametrize("path", ID_PATHS)
@pytest.mark.parametrize("not_an_id", NOT_IDS)
def test_a_path_id_that_is_not_a_positive_integer_is_not_found(staff, path, not_an_id):
    reply = staff.get(path.format(not_an_id))
    assert (reply.status, reply.body) == (404, NOT_FOUND)


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("path", ["/api/products/abc/", "/api/categories/0/", "/api/users/-1/"])
def test_a_write_to_a_path_id_that_is_not_a_positive_integer_is_not_found(staff, method, path):
    reply = staff.request(method, path, {"name": "x"})
    assert (reply.status, reply.body) == (404, NOT_FOUND)


def test_an_unknown_id_is_not_found(api):
    reply = api.get("/api/products/424242/")
    assert (reply.status, reply.body) == (404, NOT_FOUND)


# --- methods ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("DELETE", "/api/products/"), ("PUT", "/api/categories/"), ("GET", "/api/auth/login/"),
        ("GET", "/api/auth/logout/"), ("POST", "/api/health/"), ("PATCH", "/api/users/"),
        ("POST", "/api/products/1/"), ("DELETE", "/api/users/me/"),
        ("POST", "/api/categories/1/products/"),
    ],
)  # fmt: skip
def test_a_method_a_known_path_does_not_serve_is_405(api, method, path):
    reply = api.request(method, path)
    assert reply.status == 405
    assert reply.body == {"detail": f'Method "{method}" not allowed.'}


# --- bodies ----------------------------------------------------------------------------

MALFORMED = ["{bad", '{"username": ', "{'single': 'quotes'}", "[1, 2", "\xff\xfe", "NaNx"]


@pytest.mark.parametrize("body", MALFORMED)
def test_malformed_json_is_400_with_a_detail(api, body):
    reply = api.post("/api/auth/login/", raw=body.encode("latin-1"))
    assert reply.status == 400
    assert set(reply.body) == {"detail"}
    assert reply.body["detail"].startswith("JSON parse error")


def test_malformed_json_to_a_staff_endpoint_is_400(staff):
    reply = staff.post("/api/products/", raw='{"name": "x",}')
    assert reply.status == 400
    assert set(reply.body) == {"detail"}


def test_json_nested_too_deeply_to_parse_is_400(api):
    # Python 3.13 parses 5,000 levels; 30,000 exceed its limit and fit the 64 KB body cap.
    reply = api.post("/api/users/", raw="[" * 30_000 + "]" * 30_000)
    assert reply.status == 400
    assert set(reply.body) == {"detail"}


def test_a_string_holding_a_lone_surrogate_is_400(staff):
    reply = staff.post("/api/categories/", raw='{"name": "\\ud800"}')
    assert reply.status == 400


@pytest.mark.parametrize(("body", "kind"), [("[1, 2]", "list"), ('"text"', "str"), ("42", "int")])
def test_a_json_body_that_is_not_an_object_is_400(api, body, kind):
    reply = api.post("/api/users/", raw=body)
    assert reply.status == 400
    assert reply.body == {
        "non_field_errors": [f"Invalid data. Expected a dictionary, but got {kind}."]
    }


def test_a_json_null_body_is_400(api):
    assert api.post("/api/auth/login/", raw="null").status == 400


def test_an_empty_body_reports_the_required_fields(api):
    reply = api.post("/api/auth/login/", raw="")
    assert reply.status == 400
    assert set(reply.body) == {"username", "password"}


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml"])
def test_an_unsupported_content_type_is_415_with_a_detail(api, content_type):
    body = json.dumps({"username": "staff", "password": "wrong-password-1"})
    reply = api.post("/api/auth/login/", raw=body, headers={"Content-Type": content_type})
    assert reply.status == 415
    assert set(reply.body) == {"detail"}


def test_an_unsupported_content_type_on_a_staff_endpoint_is_415(staff):
    reply = staff.post("/api/categories/", raw="name=Hats", headers={"Content-Type": "text/plain"})
    assert reply.status == 415
    assert set(reply.body) == {"detail"}


def test_json_with_a_charset_parameter_is_accepted(api):
    reply = api.post(
        "/api/auth/login/",
        {"username": "staff", "password": "wrong-password-1"},
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert (reply.status, reply.body) == (400, BAD_CREDENTIALS)


def test_a_json_body_too_large_to_store_is_413(staff):
    body = {"name": "Huge", "price": "1.00", "category": 1, "description": "x" * 500_000}
    reply = staff.post("/api/products/", body)
    assert reply.status == 413
    assert set(reply.body) == {"detail"}


def test_unknown_fields_in_a_body_are_ignored(staff):
    reply = staff.post("/api/categories/", {"name": "Hats", "colour": "red", "id": 99})
    assert reply.status == 201
    assert reply.body["id"] != 99
    staff.delete(f"/api/categories/{reply.body['id']}/")
