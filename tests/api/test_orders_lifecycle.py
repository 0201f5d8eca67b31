"""Changing and deleting orders: the owner may fix the address and cancel a pending order,
staff move it along Pending → Processing → Shipped → Delivered (or cancel it before it
ships); stock goes back, in the same transaction, when an unshipped order is cancelled
or deleted; items never change and keep their copy of the product."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import stock_of


@pytest.fixture
def jacket_in_stock_10(catalog: Any, jackets: dict[str, Any]) -> dict[str, Any]:
    """A jacket like conftest.py's but 10 in stock, which the tests count down and back."""
    return catalog.product(jackets, "White Jacket", price="1400.00", stock=10)  # type: ignore[no-any-return]


@pytest.fixture
def placed(shopper: Any, jacket_in_stock_10: dict[str, Any]) -> int:
    body = {
        "shipping_address": "Kohalpur",
        "order_items": [{"product": jacket_in_stock_10["id"], "quantity": 3}],
    }
    reply = shopper.post("/api/orders/", body)
    assert reply.status == 201, reply.body
    return int(reply.body["id"])


def move(client: Any, order_id: int, *statuses: str) -> Any:
    reply = None
    for status in statuses:
        reply = client.patch(f"/api/orders/{order_id}/", {"status": status})
        assert reply.status == 200, reply.body
    return reply


def test_the_owner_changes_the_shipping_address(shopper, placed) -> None:
    reply = shopper.patch(f"/api/orders/{placed}/", {"shipping_address": "Nepalgunj"})

    assert (reply.status, reply.body["shipping_address"]) == (200, "Nepalgunj")
    assert shopper.get(f"/api/orders/{placed}/").body["shipping_address"] == "Nepalgunj"


def test_put_replaces_the_address_and_requires_it(shopper, placed) -> None:
    assert shopper.put(f"/api/orders/{placed}/", {}).status == 400
    reply = shopper.put(f"/api/orders/{placed}/", {"shipping_address": "Butwal"})
    assert (reply.status, reply.body["shipping_address"]) == (200, "Butwal")


def test_the_owner_cannot_change_the_address_once_shipped(shopper, staff, placed) -> None:
    move(staff, placed, "Processing", "Shipped")

    reply = shopper.patch(f"/api/orders/{placed}/", {"shipping_address": "Nepalgunj"})

    assert reply.status == 400
    assert staff.get(f"/api/orders/{placed}/").body["shipping_address"] == "Kohalpur"


def test_the_owner_cancels_a_pending_order_and_the_stock_comes_back(
    api, shopper, placed, jacket_in_stock_10
) -> None:
    assert stock_of(api, jacket_in_stock_10) == 7

    reply = shopper.patch(f"/api/orders/{placed}/", {"status": "Cancelled"})

    assert (reply.status, reply.body["status"]) == (200, "Cancelled")
    assert stock_of(api, jacket_in_stock_10) == 10


def test_the_owner_cannot_cancel_once_processing(
    api, shopper, staff, placed, jacket_in_stock_10
) -> None:
    move(staff, placed, "Processing")

    reply = shopper.patch(f"/api/orders/{placed}/", {"status": "Cancelled"})

    assert reply.status == 400
    assert stock_of(api, jacket_in_stock_10) == 7


@pytest.mark.parametrize("status", ["Processing", "Shipped", "Delivered"])
def test_the_owner_cannot_move_an_order_along(shopper, placed, status) -> None:
    reply = shopper.patch(f"/api/orders/{placed}/", {"status": status})

    assert reply.status == 403
    assert shopper.get(f"/api/orders/{placed}/").body["status"] == "Pending"


def test_staff_move_an_order_through_its_lifecycle(staff, placed) -> None:
    for status in ("Processing", "Shipped", "Delivered"):
        assert move(staff, placed, status).body["status"] == status


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ((), "Shipped"),
        ((), "Delivered"),
        (("Processing",), "Pending"),
        (("Processing", "Shipped"), "Cancelled"),
        (("Processing", "Shipped", "Delivered"), "Pending"),
        (("Cancelled",), "Processing"),
    ],
)
def test_an_invalid_transition_is_a_bad_request(staff, placed, path, target) -> None:
    move(staff, placed, *path)

    reply = staff.patch(f"/api/orders/{placed}/", {"status": target})

    assert reply.status == 400
    assert staff.get(f"/api/orders/{placed}/").body["status"] == (path[-1] if path else "Pending")


def test_an_unknown_status_is_a_field_error(staff, placed) -> None:
    reply = staff.patch(f"/api/orders/{placed}/", {"status": "Lost"})

    assert (reply.status, list(reply.body)) == (400, ["status"])


def test_staff_cancelling_a_processing_order_returns_its_stock(
    api, staff, placed, jacket_in_stock_10
):
    move(staff, placed, "Processing", "Cancelled")

    assert stock_of(api, jacket_in_stock_10) == 10


def test_cancelling_gives_stock_back_only_once(
    api, staff, shopper, placed, jacket_in_stock_10
) -> None:
    move(staff, placed, "Cancelled")
    shopper.patch(f"/api/orders/{placed}/", {"status": "Cancelled"})
    staff.delete(f"/api/orders/{placed}/")

    assert stock_of(api, jacket_in_stock_10) == 10


def test_cancelling_an_order_of_a_deleted_product_still_works(
    api, staff, shopper, placed, jacket_in_stock_10
):
    staff.delete(f"/api/products/{jacket_in_stock_10['id']}/")

    reply = shopper.patch(f"/api/orders/{placed}/", {"status": "Cancelled"})

    assert reply.status == 200
    assert api.get(f"/api/products/{jacket_in_stock_10['id']}/").status == 404


def test_items_are_never_edited_after_creation(shopper, placed, jacket_in_stock_10) -> None:
    before = shopper.get(f"/api/orders/{placed}/").body["order_items"]

    shopper.patch(
        f"/api/orders/{placed}/",
        {
            "order_items": [{"product": jacket_in_stock_10["id"], "quantity": 1}],
            "total_price": "1.00",
        },
    )

    after = shopper.get(f"/api/orders/{placed}/").body
    assert after["order_items"] == before and after["total_price"] == "4200.00"


def test_an_order_keeps_its_copy_of_a_deleted_product(
    staff, shopper, placed, jacket_in_stock_10
) -> None:
    staff.delete(f"/api/products/{jacket_in_stock_10['id']}/")

    item = shopper.get(f"/api/orders/{placed}/").body["order_items"][0]

    assert (item["product"], item["product_name"], item["price"]) == (
        jacket_in_stock_10["id"],
        "White Jacket",
        "1400.00",
    )


def test_the_owner_deletes_a_pending_order_and_the_stock_comes_back(
    api, shopper, placed, jacket_in_stock_10
) -> None:
    assert shopper.delete(f"/api/orders/{placed}/").status == 204

    assert shopper.get(f"/api/orders/{placed}/").status == 404
    assert stock_of(api, jacket_in_stock_10) == 10


def test_the_owner_cannot_delete_an_order_once_processing(shopper, staff, placed) -> None:
    move(staff, placed, "Processing")

    assert shopper.delete(f"/api/orders/{placed}/").status == 403
    assert shopper.get(f"/api/orders/{placed}/").status == 200


def test_staff_delete_an_unshipped_order_and_the_stock_comes_back(
    api, staff, placed, jacket_in_stock_10
):
    move(staff, placed, "Processing")

    assert staff.delete(f"/api/orders/{placed}/").status == 204
    assert stock_of(api, jacket_in_stock_10) == 10


def test_deleting_a_shipped_order_keeps_the_stock_as_sold(
    api, staff, placed, jacket_in_stock_10
) -> None:
    move(staff, placed, "Processing", "Shipped")

    assert staff.delete(f"/api/orders/{placed}/").status == 204
    assert stock_of(api, jacket_in_stock_10) == 7
