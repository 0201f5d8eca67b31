"""A 500 never happens on any input a client can send: every route the
app serves gets hostile bodies and query strings, as staff (who reach the most code)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

HOSTILE_BODIES = [
    "{bad",
    "[]",
    '"text"',
    "null",
    "[" * 3000 + "]" * 3000,
    '{"name": "\\ud800", "username": "\\udfff"}',
    json.dumps(
        {
            "name": {"nested": True}, "price": [], "category": True, "stock": "many",
            "username": 5, "email": None, "password": {}, "rating": "5", "product": "x",
            "quantity": -1, "comment": ["x"], "is_staff": "yes", "image": "not-a-file",
        }
    ),
    json.dumps(
        {
            "name": "n" * 5000, "price": "1e999999", "category": 10**40, "stock": 10**40,
            "username": "u" * 5000, "email": "e" * 5000, "password": "p" * 5000,
            "description": "d" * 30000, "color": "\x00", "size": "", "product": 10**40,
            "rating": 10**40, "phone": "1" * 1000, "address": "a" * 30000,
        }
    ),
    json.dumps({"price": 1e308, "stock": 1.5, "category": -1, "product": 0, "rating": 0.5}),
    # Valid, at the limits: gets past validation into the store.
    json.dumps(
        {
            "name": "ñ" * 100, "price": "99999999.99", "category": 1, "stock": 2147483647,
            "description": "d" * 30000, "color": "c" * 50, "size": "s" * 50,
            "address": "a" * 30000, "first_name": "f" * 150, "product": 1, "rating": 5,
            "comment": "c" * 1000, "quantity": 1,
        }
    ),
]  # fmt: skip
HOSTILE_QUERY = (
    "?limit=-1&cursor=%ff%fe&min_price=1e999&max_price=-0&category=99999999999999999999"
    "&ordering=%00&in_stock=2&search=" + "s" * 300 + "&product=abc&user=-1"
)


def served_routes() -> list[tuple[str, str]]:
    from app import app

    return sorted(
        (path, method)
        for path, methods in app.routes.items()
        for method, entry in methods.items()
        # DELETE takes no body, and logging out would end the session the sweep uses.
        if method != "DELETE"
        and entry.view_name not in ("method_not_allowed", "answer_preflight")
        and path != "/api/auth/logout"
    )


@pytest.fixture(scope="module")
def subjects(shared_catalog: Any) -> None:
    """Something for every path id 1 to name."""
    shared_catalog.product(shared_catalog.category("Jackets")["id"])


@pytest.fixture
def staff(shared_api: Any, subjects: None) -> Any:
    """A fresh staff session per route, so one route's effects cannot blind the next."""
    reply = shared_api.post(
        "/api/auth/login/", {"username": "staff", "password": "correct-horse-9"}
    )
    return shared_api.as_token(reply.body["token"])


@pytest.mark.parametrize(("path", "method"), served_routes())
def test_no_hostile_body_or_query_makes_a_route_fail_with_500(staff, path, method):
    concrete = re.sub(r"\{[^}]+\}", "1", path) + "/"
    statuses = {}
    if method == "GET":
        statuses[HOSTILE_QUERY] = staff.get(concrete + HOSTILE_QUERY).status
    else:
        for body in HOSTILE_BODIES:
            statuses[body[:40]] = staff.request(method, concrete, raw=body).status
    assert all(status < 500 for status in statuses.values()), statuses
