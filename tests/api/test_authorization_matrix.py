"""Who may call what: every route against every kind of caller, from one table.

Each row gives, for one route, what an anonymous caller, the owner of the records in the
path ("user"), another user, staff and a guest-cart token get. "ok" means the request got
past authorization (any status but 401, 403 and, for owned records, 404); a number is the
exact refusal. The table must name every registered route: a route added without a row
fails ``test_every_route_has_a_row``. The route's declared access (``access=``, enforced by
the routing layer) must agree with the row: ``test_declared_access_matches_the_table``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from helpers import PASSWORD

from chalicelib.services.accounts import create_superuser

Api = Any  # the ``api`` fixture's client

OK = "ok"
ROLES = ("anonymous", "guest", "other", "user", "staff")
PUBLIC = dict.fromkeys(ROLES, OK)
# A user's own records: others are told they do not exist.
OWNED = {"anonymous": 401, "guest": 401, "other": 404, "user": OK, "staff": OK}
ANY_USER = {"anonymous": 401, "guest": 401, "other": OK, "user": OK, "staff": OK}
STAFF = {"anonymous": 401, "guest": 401, "other": 403, "user": 403, "staff": OK}
# A user's cart, or without a login the guest cart of the token.
CART = {"anonymous": 401, "guest": OK, "other": OK, "user": OK, "staff": OK}
# Another user's rating is visible to all but changed only by its author (or staff).
RATING_CHANGE = {"anonymous": 401, "guest": 401, "other": 403, "user": OK, "staff": OK}

MATRIX: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", "/api"): PUBLIC,
    ("GET", "/api/schema"): PUBLIC,
    ("GET", "/api/docs"): PUBLIC,
    ("GET", "/api/docs/{asset}"): PUBLIC,
    ("GET", "/api/health"): PUBLIC,
    ("POST", "/api/auth/login"): PUBLIC,
    ("POST", "/api/auth/logout"): ANY_USER,
    ("GET", "/api/auth/user"): ANY_USER,
    ("POST", "/api/users"): PUBLIC,
    ("GET", "/api/users"): ANY_USER,
    ("GET", "/api/users/me"): ANY_USER,
    ("GET", "/api/users/{user_id}"): OWNED,
    ("PUT", "/api/users/{user_id}"): OWNED,
    ("PATCH", "/api/users/{user_id}"): OWNED,
    ("DELETE", "/api/users/{user_id}"): OWNED,
    ("GET", "/api/categories"): PUBLIC,
    ("POST", "/api/categories"): STAFF,
    ("GET", "/api/categories/{category_id}"): PUBLIC,
    ("PUT", "/api/categories/{category_id}"): STAFF,
    ("PATCH", "/api/categories/{category_id}"): STAFF,
    ("DELETE", "/api/categories/{category_id}"): STAFF,
    ("GET", "/api/categories/{category_id}/products"): PUBLIC,
    ("GET", "/api/products"): PUBLIC,
    ("POST", "/api/products"): STAFF,
    ("GET", "/api/products/{product_id}"): PUBLIC,
    ("PUT", "/api/products/{product_id}"): STAFF,
    ("PATCH", "/api/products/{product_id}"): STAFF,
    ("DELETE", "/api/products/{product_id}"): STAFF,
    ("POST", "/api/products/{product_id}/rate"): ANY_USER,
    ("GET", "/api/ratings"): PUBLIC,
    ("POST", "/api/ratings"): ANY_USER,
    ("GET", "/api/ratings/{rating_id}"): PUBLIC,
    ("PUT", "/api/ratings/{rating_id}"): RATING_CHANGE,
    ("PATCH", "/api/ratings/{rating_id}"): RATING_CHANGE,
    ("DELETE", "/api/ratings/{rating_id}"): RATING_CHANGE,
    ("GET", "/api/cart/items"): CART,
    ("POST", "/api/cart/add_item"): CART,
    ("POST", "/api/cart/remove_item"): CART,
    ("POST", "/api/cart/update_quantity"): CART,
    ("POST", "/api/cart/clear"): CART,
    ("DELETE", "/api/cart/delete"): CART,
    ("POST", "/api/cart/guest"): PUBLIC,
    ("POST", "/api/cart/checkout"): ANY_USER,
    ("POST", "/api/cart/merge"): ANY_USER,
    ("GET", "/api/orders"): ANY_USER,
    ("POST", "/api/orders"): ANY_USER,
    ("GET", "/api/orders/{order_id}"): OWNED,
    ("PUT", "/api/orders/{order_id}"): OWNED,
    ("PATCH", "/api/orders/{order_id}"): OWNED,
    ("DELETE", "/api/orders/{order_id}"): OWNED,
}
# Access declared on the route for each kind of row.
DECLARED = {id(PUBLIC): "public", id(OWNED): "user", id(ANY_USER): "user", id(STAFF): "staff"}
DECLARED |= {id(CART): "cart", id(RATING_CHANGE): "user"}


def registered_routes() -> dict[tuple[str, str], str]:
    import app  # noqa: F401  (registers every route)
    from chalicelib.api.routing import OPERATIONS

    return {(operation.method, operation.path): operation.access for operation in OPERATIONS}


def test_every_route_has_a_row() -> None:
    assert set(registered_routes()) == set(MATRIX)


def test_declared_access_matches_the_table() -> None:
    declared = registered_routes()
    assert {route: DECLARED[id(row)] for route, row in MATRIX.items()} == declared


@dataclass
class World:
    """Records owned by "user", and a client per kind of caller."""

    clients: dict[str, Api]
    ids: dict[str, str]


@pytest.fixture(scope="module")
def saved_world(shared_api: Api) -> tuple[World, Callable[[], None]]:
    """The world, written once for the module, and what puts it back as written."""
    from emptied import saved_store

    return _build_world(shared_api), saved_store()


@pytest.fixture
def world(store: None, saved_world: tuple[World, Callable[[], None]]) -> World:
    """The module's world as written, whatever the test before deleted or changed."""
    written, restore = saved_world
    restore()
    return written


def _build_world(api: Api) -> World:
    create_superuser("staff", "staff@example.com", PASSWORD)
    staff = api.as_token(_login(api, "staff"))
    for name in ("owner", "other"):
        reply = api.post(
            "/api/users/",
            {"username": name, "email": f"{name}@example.com", "password": PASSWORD},
        )
        assert reply.status == 201, reply.body
    owner = api.as_token(_login(api, "owner"))
    category = staff.post("/api/categories/", {"name": "Jackets"}).body
    product = staff.post(
        "/api/products/",
        {"name": "Parka", "price": "10.00", "stock": 50, "category": category["id"]},
    ).body
    rating = owner.post(f"/api/products/{product['id']}/rate/", {"rating": 4}).body
    line = {"product": product["id"], "quantity": 1}
    order = owner.post("/api/orders/", {"shipping_address": "A", "order_items": [line]}).body
    guest_token = api.post("/api/cart/guest/").body["cart_token"]
    clients = {
        "anonymous": api,
        "guest": type(api)(api.client, {"X-Cart-Token": guest_token}),
        "other": api.as_token(_login(api, "other")),
        "user": owner,
        "staff": staff,
    }
    ids = {
        "user_id": str(owner.get("/api/users/me/").body["id"]),
        "category_id": str(category["id"]),
        "product_id": str(product["id"]),
        "rating_id": str(rating["id"]),
        "order_id": str(order["id"]),
        "asset": "swagger-ui.css",
    }
    return World(clients, ids)


def _login(api: Api, username: str) -> str:
    reply = api.post("/api/auth/login/", {"username": username, "password": PASSWORD})
    assert reply.status == 200, reply.body
    return str(reply.body["token"])


def _allowed(status: int, expected: Any) -> bool:
    if expected == OK:
        return status not in (401, 403, 404)
    return bool(status == expected)


# Valid bodies where a refusal must come before validation would (DRF checks the
# object's permissions first); elsewhere an empty body is enough to pass authorization.
VALID_BODIES = {
    ("PUT", "/api/users/{user_id}"): {"username": "owner", "email": "owner@example.com"},
    ("PUT", "/api/ratings/{rating_id}"): {"rating": 3},
    ("PUT", "/api/orders/{order_id}"): {"shipping_address": "2 Main St"},
}


@pytest.mark.parametrize(("method", "route"), sorted(MATRIX), ids=lambda value: str(value))
def test_each_caller_gets_what_the_table_says(world: World, method: str, route: str) -> None:
    path = route
    for name, value in world.ids.items():
        path = path.replace(f"{{{name}}}", value)
    path = path if path.endswith("/") or route.endswith("{asset}") else f"{path}/"
    if route == "/api/docs/{asset}":
        path = next(iter(_asset_paths(world.clients["anonymous"])), path)
    got: dict[str, int] = {}
    expected = dict(MATRIX[(method, route)])
    body = VALID_BODIES.get((method, route), {}) if method in ("POST", "PUT", "PATCH") else None
    # Callers that are refused first, so that an allowed delete cannot hide a refusal;
    # once one allowed caller deleted the record, the next finds nothing.
    for role in ROLES:
        got[role] = world.clients[role].request(method, path, body).status
        if method == "DELETE" and "{" in route and expected[role] == OK and got[role] < 300:
            expected |= {later: 404 for later in ROLES if expected[later] == OK and later != role}
            expected[role] = OK
    wrong = {role: got[role] for role in ROLES if not _allowed(got[role], expected[role])}
    assert not wrong, f"{method} {route}: got {got}, expected {expected}"


def _asset_paths(api: Api) -> list[str]:
    """The docs page links its assets by content-hashed names."""
    import re

    page = api.get("/api/docs/").body
    return re.findall(r'(?:src|href)="(/api/docs/[^"]+)"', str(page))
