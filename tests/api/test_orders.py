"""Orders: their shape, the caller's list newest first (staff: all, with filters), direct
creation under the same stock, atomicity and idempotency rules as checkout, and who may
see an order."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import stock_of

ORDER_FIELDS = {
    "id", "user", "user_name", "total_price", "status", "shipping_address", "created_at",
    "order_items",
}  # fmt: skip
ITEM_FIELDS = {"id", "product", "product_name", "product_image", "quantity", "price", "subtotal"}


@pytest.fixture
def jacket_in_stock_20(catalog: Any, jackets: dict[str, Any]) -> dict[str, Any]:
    """A jacket like tests/api/conftest.py's but 20 in stock: orders here take up to 12."""
    return catalog.product(jackets, "White Jacket", price="1400.00", stock=20)  # type: ignore[no-any-return]


@pytest.fixture
def ten_cent_scarf(catalog: Any, jackets: dict[str, Any]) -> dict[str, Any]:
    """A scarf at 0.10, whose sums show cents added exactly (conftest.py's costs 450.00)."""
    return catalog.product(jackets, "Wool Scarf", price="0.10", stock=9)  # type: ignore[no-any-return]


def order(client: Any, *lines: tuple[dict[str, Any], int], key: str | None = None, **extra: Any):
    body = {
        "shipping_address": "Kohalpur",
        "order_items": [{"product": p["id"], "quantity": q} for p, q in lines],
        **extra,
    }
    headers = {"Idempotency-Key": key} if key else {}
    return client.post("/api/orders/", body, headers=headers)


def test_an_order_has_the_shape_of_the_original_api(shopper, jacket_in_stock_20) -> None:
    reply = order(shopper, (jacket_in_stock_20, 12))

    assert reply.status == 201
    assert set(reply.body) >= ORDER_FIELDS
    assert (reply.body["total_price"], reply.body["status"]) == ("16800.00", "Pending")
    item = reply.body["order_items"][0]
    assert set(item) >= ITEM_FIELDS
    assert (item["product"], item["product_name"], item["quantity"]) == (
        jacket_in_stock_20["id"],
        "White Jacket",
        12,
    )
    assert (item["price"], item["subtotal"]) == ("1400.00", 16800.0)


def test_an_order_item_subtotal_is_a_json_number_and_money_is_decimal(
    shopper, ten_cent_scarf
) -> None:
    reply = order(shopper, (ten_cent_scarf, 3))

    item = reply.body["order_items"][0]
    assert isinstance(item["subtotal"], float) and item["subtotal"] == 0.3
    assert reply.body["total_price"] == "0.30"


def test_the_user_name_is_the_full_name(people, jacket) -> None:
    people.signup("nur", first_name="Nur Pratap", last_name="Karki")

    assert order(people.client("nur"), (jacket, 1)).body["user_name"] == "Nur Pratap Karki"


def test_the_user_name_is_the_username_without_a_full_name(shopper, jacket) -> None:
    assert order(shopper, (jacket, 1)).body["user_name"] == "shopper"


def test_an_order_takes_its_quantities_out_of_stock(
    api, shopper, jacket_in_stock_20, scarf
) -> None:
    order(shopper, (jacket_in_stock_20, 2), (scarf, 9))

    assert (stock_of(api, jacket_in_stock_20), stock_of(api, scarf)) == (18, 0)


def test_a_product_listed_twice_is_one_item_of_the_summed_quantity(
    api, shopper, jacket_in_stock_20
):
    reply = order(shopper, (jacket_in_stock_20, 2), (jacket_in_stock_20, 3))

    assert [(i["product"], i["quantity"]) for i in reply.body["order_items"]] == [
        (jacket_in_stock_20["id"], 5)
    ]
    assert stock_of(api, jacket_in_stock_20) == 15


def test_client_sent_total_status_and_user_are_ignored(shopper, jacket, staff) -> None:
    reply = order(shopper, (jacket, 1), total_price="0.01", status="Delivered", user=999)

    assert (reply.body["total_price"], reply.body["status"]) == ("1400.00", "Pending")
    assert reply.body["user"] == shopper.get("/api/users/me/").body["id"]


def test_an_order_over_the_stock_names_the_products_and_changes_nothing(
    api, shopper, jacket_in_stock_20, scarf
) -> None:
    reply = order(shopper, (jacket_in_stock_20, 1), (scarf, 10))

    assert reply.status == 400
    assert "Wool Scarf" in reply.body["detail"] and "White Jacket" not in reply.body["detail"]
    assert (stock_of(api, jacket_in_stock_20), stock_of(api, scarf)) == (20, 9)
    assert shopper.get("/api/orders/").body == []


def test_an_order_of_an_unknown_product_is_a_field_error(shopper, jacket) -> None:
    reply = order(shopper, (jacket, 1), ({"id": 999}, 1))

    assert (reply.status, list(reply.body)) == (400, ["order_items"])


@pytest.mark.parametrize(
    "body",
    [
        {"order_items": [{"product": 1, "quantity": 1}]},
        {"shipping_address": "x", "order_items": []},
        {"shipping_address": "x", "order_items": [{"product": 1, "quantity": 0}]},
        {"shipping_address": "x", "order_items": [{"quantity": 1}]},
        {"shipping_address": "x"},
    ],
)
def test_an_order_needs_an_address_and_items_of_positive_quantity(shopper, jacket, body):
    assert shopper.post("/api/orders/", body).status == 400


def test_an_order_does_not_touch_the_cart(shopper, jacket, scarf) -> None:
    shopper.post("/api/cart/add_item/", {"product_id": scarf["id"]})

    order(shopper, (jacket, 1))

    assert [i["product"] for i in shopper.get("/api/cart/items/").body["items"]] == [scarf["id"]]


def test_a_repeated_order_with_one_key_returns_the_first_response(
    api, shopper, jacket_in_stock_20
) -> None:
    first = order(shopper, (jacket_in_stock_20, 2), key="create-1")
    again = order(shopper, (jacket_in_stock_20, 2), key="create-1")

    assert (first.status, again.status) == (201, 201)
    assert again.body == first.body
    assert len(shopper.get("/api/orders/").body) == 1
    assert stock_of(api, jacket_in_stock_20) == 18


def test_an_order_key_reused_for_another_order_is_a_conflict(shopper, jacket) -> None:
    order(shopper, (jacket, 2), key="create-1")

    assert order(shopper, (jacket, 3), key="create-1").status == 409


def test_a_checkout_key_reused_for_a_direct_order_is_a_conflict(shopper, jacket) -> None:
    shopper.post("/api/cart/add_item/", {"product_id": jacket["id"]})
    shopper.post(
        "/api/cart/checkout/", {"shipping_address": "Kohalpur"}, headers={"Idempotency-Key": "k"}
    )

    assert order(shopper, (jacket, 1), key="k").status == 409


def test_the_list_holds_the_callers_orders_newest_first(shopper, people, jacket) -> None:
    people.signup("other")
    other = people.client("other")
    ids = [order(shopper, (jacket, 1)).body["id"] for _ in range(3)]
    order(other, (jacket, 1))

    listed = shopper.get("/api/orders/").body

    assert [o["id"] for o in listed] == ids[::-1]


def test_staff_see_every_order(shopper, people, staff, jacket) -> None:
    people.signup("other")
    mine = order(shopper, (jacket, 1)).body["id"]
    theirs = order(people.client("other"), (jacket, 1)).body["id"]

    assert [o["id"] for o in staff.get("/api/orders/").body] == [theirs, mine]


def test_staff_filter_orders_by_user_and_status(shopper, people, staff, jacket) -> None:
    other_user = people.signup("other")
    other = people.client("other")
    order(shopper, (jacket, 1))
    first = order(other, (jacket, 1)).body["id"]
    second = order(other, (jacket, 1)).body["id"]
    staff.patch(f"/api/orders/{first}/", {"status": "Processing"})

    by_user = staff.get(f"/api/orders/?user={other_user['id']}").body
    processing = staff.get("/api/orders/?status=Processing").body
    both = staff.get(f"/api/orders/?user={other_user['id']}&status=Pending").body

    assert [o["id"] for o in by_user] == [second, first]
    assert [o["id"] for o in processing] == [first]
    assert [o["id"] for o in both] == [second]


def test_a_shopper_cannot_list_someone_elses_orders_by_filter(shopper, people, jacket) -> None:
    other_user = people.signup("other")
    order(people.client("other"), (jacket, 1))

    assert shopper.get(f"/api/orders/?user={other_user['id']}").body == []


@pytest.mark.parametrize("query", ["status=Lost", "user=abc", "limit=0"])
def test_an_invalid_list_filter_is_a_bad_request(shopper, query) -> None:
    assert shopper.get(f"/api/orders/?{query}").status == 400


def test_the_order_list_is_paged(shopper, jacket) -> None:
    ids = [order(shopper, (jacket, 1)).body["id"] for _ in range(3)]

    first = shopper.get("/api/orders/?limit=2")
    second = shopper.next_page(first)

    assert [o["id"] for o in first.body] == ids[:0:-1]
    assert second is not None and [o["id"] for o in second.body] == ids[:1]


def test_the_order_list_needs_a_login(api) -> None:
    assert api.get("/api/orders/").status == 401


def test_the_owner_and_staff_see_an_order(shopper, staff, jacket) -> None:
    order_id = order(shopper, (jacket, 1)).body["id"]

    assert shopper.get(f"/api/orders/{order_id}/").status == 200
    assert staff.get(f"/api/orders/{order_id}/").body["id"] == order_id


def test_someone_elses_order_is_not_found(shopper, people, jacket) -> None:
    people.signup("other")
    order_id = order(shopper, (jacket, 1)).body["id"]
    other = people.client("other")

    assert other.get(f"/api/orders/{order_id}/").status == 404
    assert other.patch(f"/api/orders/{order_id}/", {"status": "Cancelled"}).status == 404
    assert other.delete(f"/api/orders/{order_id}/").status == 404


@pytest.mark.parametrize("order_id", ["999", "0", "-1", "abc"])
def test_an_unknown_order_is_not_found(shopper, order_id) -> None:
    assert shopper.get(f"/api/orders/{order_id}/").status == 404


def test_a_deleted_users_orders_stay(shopper, staff, jacket) -> None:
    order_id = order(shopper, (jacket, 1)).body["id"]
    me = shopper.get("/api/users/me/").body

    staff.delete(f"/api/users/{me['id']}/")

    kept = staff.get(f"/api/orders/{order_id}/").body
    assert (kept["user"], kept["user_name"]) == (me["id"], "shopper")
