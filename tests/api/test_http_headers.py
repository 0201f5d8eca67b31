"""Headers clients and caches rely on: HEAD as GET without a body, Allow on every 405,
nosniff everywhere, private responses never stored, and the CORS headers scripts may
read."""
# ruff: noqa: F811  (test parameters name the fixtures imported from module_tables)

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from helpers import ORIGIN, Api, Catalog, People

# Tables emptied once per module: these fixtures replace the per-test ones of the same names.
from module_tables import api, shopper, staff  # noqa: F401

from chalicelib.api.routing import OPERATIONS, allowed_methods


@pytest.fixture(scope="module")
def product(shared_catalog: Catalog) -> dict[str, Any]:
    category = shared_catalog.category("Hats")
    return shared_catalog.product(category["id"], "Red Hat")


@pytest.fixture(scope="module")
def customer(shared_people: People) -> Api:
    shared_people.signup("reader")
    return shared_people.client("reader")


def get_paths(product: dict[str, Any], user_id: int) -> list[str]:
    """A concrete path for every GET route."""
    values = {
        "asset": "no-such-asset.js",
        "product_id": product["id"],
        "category_id": product["category"],
        "user_id": user_id,
        "rating_id": 1,
        "order_id": 1,
    }
    return [
        operation.path.format(**values) + "/"
        for operation in OPERATIONS
        if operation.method == "GET"
    ]


def test_head_answers_what_get_answers_without_the_body(
    staff: Api, product: dict[str, Any]
) -> None:
    me = staff.get("/api/users/me/").body
    headers = {"Content-Type": "application/json", **staff.default_headers}
    for path in get_paths(product, me["id"]):
        got = staff.client.http.request("GET", path, headers=headers)
        head = staff.client.http.request("HEAD", path, headers=headers)
        assert (head.status_code, head.body) == (got.status_code, b""), path
        assert head.headers.pop("Content-Length") == str(len(got.body)), path
        assert head.headers == got.headers, path


def test_head_of_a_method_that_only_posts_is_a_405(api: Api) -> None:
    reply = api.request("HEAD", "/api/auth/login/")
    assert reply.status == 405
    assert reply.headers["Allow"] == "POST, OPTIONS"


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("DELETE", "/api/products/", "GET, HEAD, POST, OPTIONS"),
        ("POST", "/api/products/7/", "GET, HEAD, PUT, PATCH, DELETE, OPTIONS"),
        ("PUT", "/api/users/me/", "GET, HEAD, OPTIONS"),
        ("GET", "/api/cart/checkout/", "POST, OPTIONS"),
        ("PATCH", "/api/health/", "GET, HEAD, OPTIONS"),
    ],
)
def test_every_405_lists_the_methods_that_work_on_the_path(
    api: Api, method: str, path: str, allow: str
) -> None:
    reply = api.request(method, path)
    assert reply.status == 405
    assert reply.headers["Allow"] == allow


def test_allowed_methods_take_a_route_or_a_request_path() -> None:
    assert allowed_methods("/api/ratings/{rating_id}") == allowed_methods("/api/ratings/3/")
    assert allowed_methods("/api/users/me") == ["GET", "HEAD", "OPTIONS"]
    assert allowed_methods("/api/no-such-thing/") == []


def test_every_response_forbids_content_sniffing(api: Api, product: dict[str, Any]) -> None:
    for reply in (
        api.get(f"/api/products/{product['id']}/"),
        api.get("/api/products/999999/"),
        api.request("DELETE", "/api/products/"),
        api.request("OPTIONS", "/api/products/", headers={"Origin": ORIGIN}),
        api.get("/api/users/me/"),
        api.post("/api/auth/login/", {"username": "nobody", "password": "wrong-password"}),
    ):
        assert reply.headers["X-Content-Type-Options"] == "nosniff"


def test_token_responses_are_never_stored(api: Api, shared_people: People) -> None:
    signup = api.post(
        "/api/users/", {"username": "newbie", "password": "correct-horse-9", "email": "n@x.org"}
    )
    login = api.post("/api/auth/login/", {"username": "newbie", "password": "correct-horse-9"})
    guest = api.post("/api/cart/guest/")
    for reply in (signup, login, guest):
        assert reply.status in (200, 201), reply.body
        assert reply.headers["Cache-Control"] == "private, no-store"


def test_personal_responses_are_never_stored(customer: Api) -> None:
    me = customer.get("/api/users/me/")
    for reply in (me, customer.get("/api/cart/items/"), customer.get("/api/orders/")):
        assert reply.status == 200, reply.body
        assert reply.headers["Cache-Control"] == "private, no-store"


def test_every_operation_that_is_not_public_is_never_stored(
    staff: Api, product: dict[str, Any]
) -> None:
    me = staff.get("/api/users/me/").body
    for operation in OPERATIONS:
        if operation.access == "public" or operation.method != "GET":
            continue
        path = operation.path.format(user_id=me["id"], order_id=1) + "/"
        assert staff.get(path).headers["Cache-Control"] == "private, no-store", path


def test_errors_of_public_reads_are_not_cached_publicly(api: Api) -> None:
    missing = api.get("/api/products/999999/")
    assert missing.status == 404
    assert missing.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in missing.headers


def test_scripts_of_allowed_origins_may_read_the_apis_own_headers(api: Api) -> None:
    reply = api.get("/api/health/", headers={"Origin": ORIGIN})
    exposed = reply.headers["Access-Control-Expose-Headers"].split(",")
    for header in ("Link", "Idempotent-Replayed", "Retry-After", "ETag", "Allow"):
        assert header in exposed


def test_a_preflight_allows_conditional_requests_and_head(api: Api) -> None:
    reply = api.request("OPTIONS", "/api/products/", headers={"Origin": ORIGIN})
    assert "If-None-Match" in reply.headers["Access-Control-Allow-Headers"].split(",")
    assert "HEAD" in reply.headers["Access-Control-Allow-Methods"].split(",")


@pytest.fixture(scope="module")
def local_server(shared_api: Api) -> Iterator[int]:
    """The local server `make run` uses, on a free port, over the module's tables."""
    from chalicelib.local.server import create_server

    server = create_server("127.0.0.1", 0, stage="test")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server.server_address[1]
    finally:
        server.shutdown()
        thread.join(timeout=5)


def test_the_local_server_sends_head_with_gets_length_and_no_body(
    local_server: int, product: dict[str, Any]
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", local_server, timeout=10)
    path = f"/api/products/{product['id']}/"
    connection.request("GET", path)
    got = connection.getresponse()
    body = got.read()
    connection.request("HEAD", path)
    head = connection.getresponse()
    assert head.read() == b""
    assert head.getheader("Content-Length") == str(len(body))
    # Nothing was sent after the headers: the next answer on the connection parses.
    connection.request("GET", path)
    assert connection.getresponse().read() == body
    connection.close()
