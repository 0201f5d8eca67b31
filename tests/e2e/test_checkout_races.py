"""Races across processes: two local servers (two "Lambda containers") on one emulator,
requests split between them and started together.

Checkouts on little stock never sell more than the stock, and stock plus sold quantity
always equals the starting stock; repeated checkouts with one Idempotency-Key create one
order; additions to one cart line all count; of the merges of one guest cart exactly one
wins.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from tests.helpers import retried_while_busy

pytestmark = pytest.mark.e2e

# A running `python -m chalicelib.local.stack` and the function that starts one (see
# conftest.py's Stack and start_stack).
Stack = Any
StartStack = Callable[..., Any]

REQUEST_TIMEOUT = 30.0
KEY = {"Idempotency-Key": "same-checkout"}
STOCK = 5
SHOPPERS = 12


@pytest.fixture(scope="module")
def servers(stack: Stack, start_stack: StartStack) -> Iterator[tuple[Stack, Stack]]:
    """The test process's shared stack started the emulator; a second server uses it, as a
    second container would use the same tables. Each test makes its own product and
    shoppers, so what other modules left on the shared stack does not count."""
    second = start_stack(AWS_ENDPOINT_URL=stack.emulator_url)
    yield stack, second
    second.assert_stops_cleanly()


@pytest.fixture(scope="module")
def staff(demo_staff: dict[str, str]) -> dict[str, str]:
    return demo_staff


@pytest.fixture(scope="module")
def category(servers: tuple[Stack, Stack]) -> int:
    """The demo data's Jackets: a new category would show in the catalog that other
    modules on the shared stack check."""
    categories = servers[0].get("/api/categories/").json()
    return int(next(c["id"] for c in categories if c["name"] == "Jackets"))


def new_product(servers: tuple[Stack, Stack], staff, category: int, stock: int) -> int:
    body = {"name": "Contested", "price": "19.99", "stock": stock, "category": category}
    reply = servers[0].post("/api/products/", body, headers=staff)
    assert reply.status_code == 201, reply.text
    return int(reply.json()["id"])


def stock_of(stack: Stack, product_id: int) -> int:
    return int(stack.get(f"/api/products/{product_id}/").json()["stock"])


class Racer:
    """One client, connected in advance (a burst of new connections would overflow the
    server's short listen queue), that sends its request when every racer is ready."""

    def __init__(self, stack: Stack, headers: dict[str, str]) -> None:
        self.stack = stack
        self.session = requests.Session()
        self.session.headers.update(headers)
        assert self.session.get(f"{stack.url}/api/health/", timeout=REQUEST_TIMEOUT).ok

    def post(self, path: str, body: Any, **headers: str) -> requests.Response:
        return retried_while_busy(
            lambda: self.session.post(
                f"{self.stack.url}{path}", json=body, headers=headers, timeout=REQUEST_TIMEOUT
            )
        )


def race(racers: list[Racer], send: Callable[[Racer], requests.Response]) -> list[int]:
    """Start every racer's request together; the statuses, in racer order."""
    start = threading.Barrier(len(racers))

    def run(racer: Racer) -> int:
        start.wait()
        return send(racer).status_code

    try:
        with ThreadPoolExecutor(max_workers=len(racers)) as pool:
            return list(pool.map(run, racers))
    finally:
        for racer in racers:
            racer.session.close()


def shoppers(servers: tuple[Stack, Stack], prefix: str, count: int) -> list[dict[str, str]]:
    """Signed up and logged in, alternately through each server."""
    logins = []
    for number in range(count):
        stack = servers[number % 2]
        stack.signup(f"{prefix}{number}")
        logins.append(stack.login(f"{prefix}{number}"))
    return logins


def add(stack: Stack, headers: dict[str, str], product_id: int, quantity: int) -> None:
    body = {"product_id": product_id, "quantity": quantity}
    reply = stack.post("/api/cart/add_item/", body, headers=headers)
    assert reply.status_code in (200, 201), reply.text


def sold(stack: Stack, staff: dict[str, str], product_id: int) -> int:
    orders = stack.get("/api/orders/?limit=500", headers=staff).json()
    return sum(
        item["quantity"]
        for order in orders
        for item in order["order_items"]
        if item["product"] == product_id
    )


def test_checkouts_through_two_servers_never_sell_more_than_the_stock(
    servers, staff, category
) -> None:
    product_id = new_product(servers, staff, category, STOCK)
    logins = shoppers(servers, "buyer", SHOPPERS)
    for number, headers in enumerate(logins):
        add(servers[number % 2], headers, product_id, 1 + number % 2)
    racers = [Racer(servers[n % 2], headers) for n, headers in enumerate(logins)]

    statuses = race(racers, lambda r: r.post("/api/cart/checkout/", {"shipping_address": "A"}))

    assert set(statuses) <= {201, 400}, statuses
    assert 201 in statuses and 400 in statuses
    left = stock_of(servers[1], product_id)
    assert left >= 0
    assert left + sold(servers[0], staff, product_id) == STOCK


def test_retries_with_one_key_through_two_servers_create_one_order(servers, staff, category):
    product_id = new_product(servers, staff, category, 50)
    [headers] = shoppers(servers, "retrier", 1)
    add(servers[0], headers, product_id, 3)
    racers = [Racer(servers[n % 2], headers) for n in range(6)]
    checkout = {"shipping_address": "A"}

    statuses = race(racers, lambda r: r.post("/api/cart/checkout/", checkout, **KEY))

    assert statuses == [201] * 6
    orders = servers[1].get("/api/orders/", headers=headers).json()
    assert len(orders) == 1
    again = servers[1].post("/api/cart/checkout/", checkout, headers={**headers, **KEY})
    assert again.json()["order_id"] == orders[0]["id"]
    assert stock_of(servers[0], product_id) == 47


def test_additions_to_one_line_through_two_servers_all_count(servers, staff, category) -> None:
    product_id = new_product(servers, staff, category, 100)
    [headers] = shoppers(servers, "adder", 1)
    racers = [Racer(servers[n % 2], headers) for n in range(8)]

    statuses = race(racers, lambda r: r.post("/api/cart/add_item/", {"product_id": product_id}))

    assert sorted(statuses) == [200] * 7 + [201]
    items = servers[0].get("/api/cart/items/", headers=headers).json()["items"]
    assert [(item["product"], item["quantity"]) for item in items] == [(product_id, 8)]


def test_of_merges_of_one_guest_cart_through_two_servers_one_wins(servers, staff, category):
    product_id = new_product(servers, staff, category, 100)
    guest = servers[0].post("/api/cart/guest/").json()
    add(servers[1], {"X-Cart-Token": guest["cart_token"]}, product_id, 4)
    logins = shoppers(servers, "merger", 4)
    racers = [Racer(servers[n % 2], headers) for n, headers in enumerate(logins)]
    merge = {"cart_id": guest["cart_id"]}

    statuses = race(
        racers,
        lambda r: r.post("/api/cart/merge/", merge, **{"X-Cart-Token": guest["cart_token"]}),
    )

    assert sorted(statuses) == [200, 404, 404, 404]
    quantities = [
        sum(i["quantity"] for i in servers[0].get("/api/cart/items/", headers=h).json()["items"])
        for h in logins
    ]
    assert sorted(quantities) == [0, 0, 0, 4]
