"""Checkout: the cart becomes an order in one transaction (stock, order, emptied cart),
at the prices of that moment; a stock shortage changes nothing; Idempotency-Key repeats
answer with the first response (a busy database: test_checkout_storage_failures.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from helpers import add_to_cart, check_out, stock_of

from chalicelib.domain.clock import utc_now


def test_checkout_creates_an_order_of_the_cart(shopper, jacket, scarf) -> None:
    add_to_cart(shopper, jacket, 2)
    add_to_cart(shopper, scarf, 1)

    reply = check_out(shopper)

    assert reply.status == 201
    assert reply.body == {
        "message": "Order created successfully",
        "order_id": reply.body["order_id"],
    }
    order = shopper.get(f"/api/orders/{reply.body['order_id']}/").body
    assert [(i["product_name"], i["quantity"], i["price"]) for i in order["order_items"]] == [
        ("White Jacket", 2, "1400.00"),
        ("Wool Scarf", 1, "450.00"),
    ]
    assert (order["total_price"], order["status"], order["shipping_address"]) == (
        "3250.00",
        "Pending",
        "Kohalpur",
    )


def test_checkout_takes_the_quantities_out_of_stock(api, shopper, jacket, scarf) -> None:
    add_to_cart(shopper, jacket, 2)
    add_to_cart(shopper, scarf, 9)

    check_out(shopper)

    assert (stock_of(api, jacket), stock_of(api, scarf)) == (3, 0)


def test_checkout_empties_the_cart(shopper, jacket) -> None:
    add_to_cart(shopper, jacket, 1)
    cart_id = shopper.get("/api/cart/items/").body["id"]

    check_out(shopper)

    cart = shopper.get("/api/cart/items/").body
    assert (cart["id"], cart["items"], cart["total"]) == (cart_id, [], "0.00")


def test_checkout_captures_the_price_of_that_moment(shopper, staff, jacket) -> None:
    add_to_cart(shopper, jacket, 1)
    staff.patch(f"/api/products/{jacket['id']}/", {"price": "1000.00"})

    order_id = check_out(shopper).body["order_id"]
    staff.patch(f"/api/products/{jacket['id']}/", {"price": "2000.00", "name": "Renamed"})

    item = shopper.get(f"/api/orders/{order_id}/").body["order_items"][0]
    assert (item["price"], item["product_name"], item["subtotal"]) == (
        "1000.00",
        "White Jacket",
        1000.0,
    )


@pytest.mark.parametrize("fill", [False, True])
def test_checking_out_an_empty_cart_is_refused(shopper, jacket, fill) -> None:
    if fill:
        add_to_cart(shopper, jacket, 1)
        shopper.post("/api/cart/clear/")

    reply = check_out(shopper)

    assert (reply.status, reply.body) == (400, {"detail": "Cart is empty."})


def test_a_cart_of_deleted_products_only_is_empty(shopper, staff, jacket) -> None:
    add_to_cart(shopper, jacket, 1)
    staff.delete(f"/api/products/{jacket['id']}/")

    assert check_out(shopper).status == 400


def test_lines_of_deleted_products_are_left_out_of_the_order(shopper, staff, jacket, scarf):
    add_to_cart(shopper, jacket, 1)
    add_to_cart(shopper, scarf, 1)
    staff.delete(f"/api/products/{jacket['id']}/")

    order_id = check_out(shopper).body["order_id"]

    items = shopper.get(f"/api/orders/{order_id}/").body["order_items"]
    assert [item["product_name"] for item in items] == ["Wool Scarf"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "This field is required."),
        ({"shipping_address": "   "}, "This field may not be blank."),
        ({"shipping_address": "a" * 501}, "Ensure this field has no more than 500 characters."),
    ],
)
def test_checkout_needs_a_shipping_address_of_at_most_500_characters(
    shopper, jacket, body, message
) -> None:
    add_to_cart(shopper, jacket, 1)

    reply = shopper.post("/api/cart/checkout/", body)

    assert (reply.status, reply.body) == (400, {"shipping_address": [message]})


def test_a_500_character_address_is_accepted(shopper, jacket) -> None:
    add_to_cart(shopper, jacket, 1)

    assert check_out(shopper, shipping_address="a" * 500).status == 201


def test_a_stock_shortage_names_the_products_and_changes_nothing(
    api, shopper, staff, jacket, scarf
) -> None:
    add_to_cart(shopper, jacket, 3)
    add_to_cart(shopper, scarf, 2)
    staff.patch(f"/api/products/{jacket['id']}/", {"stock": 2})

    reply = check_out(shopper)

    assert reply.status == 400
    assert "White Jacket" in reply.body["detail"] and "Wool Scarf" not in reply.body["detail"]
    assert (stock_of(api, jacket), stock_of(api, scarf)) == (2, 9)
    items = shopper.get("/api/cart/items/").body["items"]
    assert [(i["product"], i["quantity"]) for i in items] == [(jacket["id"], 3), (scarf["id"], 2)]
    assert shopper.get("/api/orders/").body == []


def test_a_repeated_checkout_with_one_key_returns_the_first_order(api, shopper, jacket):
    add_to_cart(shopper, jacket, 2)

    first = check_out(shopper, key="order-attempt-1")
    again = check_out(shopper, key="order-attempt-1")

    assert (first.status, again.status) == (201, 201)
    assert again.body == first.body
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert len(shopper.get("/api/orders/").body) == 1
    assert stock_of(api, jacket) == 3


def test_a_key_reused_with_another_body_is_a_conflict(shopper, jacket) -> None:
    add_to_cart(shopper, jacket, 1)
    check_out(shopper, key="k-1")

    reply = check_out(shopper, key="k-1", shipping_address="Elsewhere")

    assert reply.status == 409
    assert len(shopper.get("/api/orders/").body) == 1


def test_keys_of_different_users_do_not_collide(shopper, people, jacket) -> None:
    people.signup("other")
    other = people.client("other")
    add_to_cart(shopper, jacket, 1)
    add_to_cart(other, jacket, 1)

    mine, theirs = check_out(shopper, key="same"), check_out(other, key="same")

    assert (mine.status, theirs.status) == (201, 201)
    assert mine.body["order_id"] != theirs.body["order_id"]


def test_a_checkout_without_a_key_is_not_deduplicated(shopper, jacket) -> None:
    add_to_cart(shopper, jacket, 1)
    check_out(shopper)
    add_to_cart(shopper, jacket, 1)

    assert check_out(shopper).status == 201
    assert len(shopper.get("/api/orders/").body) == 2


def test_a_key_is_remembered_for_24_hours(shopper, jacket, monkeypatch) -> None:
    from chalicelib.services import cart

    add_to_cart(shopper, jacket, 1)
    first = check_out(shopper, key="daily").body
    add_to_cart(shopper, jacket, 1)
    start = utc_now()

    monkeypatch.setattr(cart, "utc_now", lambda: start + timedelta(hours=23))
    assert check_out(shopper, key="daily").body == first
    monkeypatch.setattr(cart, "utc_now", lambda: start + timedelta(hours=24, seconds=1))
    later = check_out(shopper, key="daily")
    assert later.status == 201 and later.body["order_id"] != first["order_id"]


def test_an_unusable_idempotency_key_is_a_bad_request(shopper, jacket) -> None:
    add_to_cart(shopper, jacket, 1)

    assert check_out(shopper, key="k" * 256).status == 400
