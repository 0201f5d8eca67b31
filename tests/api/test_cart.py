"""The cart of a logged-in user: one per user, created on first use,
lines at current prices, stock checked on add and update, at most 50 lines."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import fill_cart

CART_FIELDS = {"id", "user", "items", "total", "created_at", "updated_at"}
ITEM_FIELDS = {
    "id", "product", "product_name", "product_price", "quantity", "subtotal", "created_at",
    "updated_at",
}  # fmt: skip


def add(client: Any, product_id: int, quantity: int | None = None) -> Any:
    body: dict[str, Any] = {"product_id": product_id}
    if quantity is not None:
        body["quantity"] = quantity
    return client.post("/api/cart/add_item/", body)


def test_a_new_users_cart_is_empty_with_a_zero_total(shopper: Any) -> None:
    reply = shopper.get("/api/cart/items/")

    assert reply.status == 200
    assert set(reply.body) >= CART_FIELDS
    assert (reply.body["items"], reply.body["total"]) == ([], "0.00")


def test_the_cart_is_created_once_and_keeps_its_id(shopper: Any) -> None:
    first = shopper.get("/api/cart/items/").body
    second = shopper.get("/api/cart/items").body

    assert first["id"] == second["id"] and first["id"] >= 1
    assert first["created_at"] == second["created_at"]


def test_the_cart_belongs_to_the_caller(shopper: Any, people: Any) -> None:
    me = shopper.get("/api/users/me/").body
    other = people.signup("other")
    theirs = people.client("other").get("/api/cart/items/").body

    assert shopper.get("/api/cart/items/").body["user"] == me["id"]
    assert theirs["user"] == other["id"]
    assert theirs["id"] != shopper.get("/api/cart/items/").body["id"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/cart/items/"),
        ("POST", "/api/cart/add_item/"),
        ("POST", "/api/cart/remove_item/"),
        ("POST", "/api/cart/update_quantity/"),
        ("POST", "/api/cart/clear/"),
        ("POST", "/api/cart/checkout/"),
        ("DELETE", "/api/cart/delete/"),
        ("POST", "/api/cart/merge/"),
    ],
)
def test_every_cart_endpoint_needs_a_login_or_a_cart_token(api: Any, method: str, path: str):
    reply = api.request(method, path, {"product_id": 1, "quantity": 1, "cart_id": 1})

    assert reply.status == 401


def test_adding_a_product_creates_a_line_with_201(shopper: Any, jacket: dict[str, Any]) -> None:
    reply = add(shopper, jacket["id"], 2)

    assert reply.status == 201
    assert set(reply.body) >= ITEM_FIELDS
    assert reply.body["product"] == jacket["id"]
    assert (reply.body["product_name"], reply.body["quantity"]) == ("White Jacket", 2)
    assert (reply.body["product_price"], reply.body["subtotal"]) == ("1400.00", "2800.00")


def test_adding_a_product_again_increases_its_line_with_200(shopper, jacket) -> None:
    first = add(shopper, jacket["id"], 2).body
    reply = add(shopper, jacket["id"], 1)

    assert reply.status == 200
    assert (reply.body["id"], reply.body["quantity"]) == (first["id"], 3)
    assert len(shopper.get("/api/cart/items/").body["items"]) == 1


def test_the_quantity_defaults_to_one(shopper, jacket) -> None:
    assert add(shopper, jacket["id"]).body["quantity"] == 1


@pytest.mark.parametrize("quantity", [0, -1, "many", 1.5, None])
def test_a_quantity_below_one_or_not_an_integer_is_refused(shopper, jacket, quantity) -> None:
    reply = shopper.post("/api/cart/add_item/", {"product_id": jacket["id"], "quantity": quantity})

    assert reply.status == 400
    assert "quantity" in reply.body


def test_adding_without_a_product_is_a_field_error(shopper) -> None:
    reply = shopper.post("/api/cart/add_item/", {"quantity": 1})

    assert (reply.status, reply.body) == (400, {"product_id": ["This field is required."]})


def test_adding_an_unknown_product_is_not_found(shopper) -> None:
    assert add(shopper, 999, 1).status == 404


def test_adding_more_than_the_stock_is_refused(shopper, jacket) -> None:
    reply = add(shopper, jacket["id"], 6)

    assert reply.status == 400
    assert "White Jacket" in reply.body["detail"]
    assert shopper.get("/api/cart/items/").body["items"] == []


def test_the_quantity_already_in_the_cart_counts_against_the_stock(shopper, jacket) -> None:
    add(shopper, jacket["id"], 4)

    assert add(shopper, jacket["id"], 2).status == 400
    assert shopper.get("/api/cart/items/").body["items"][0]["quantity"] == 4


def test_a_cart_holds_at_most_fifty_products(shopper, catalog, jackets) -> None:
    product_ids = catalog.many_products(jackets, 51)
    fill_cart(shopper, product_ids[:49])
    assert add(shopper, product_ids[49]).status == 201

    reply = add(shopper, product_ids[50])

    assert reply.status == 400
    assert len(shopper.get("/api/cart/items/").body["items"]) == 50


def test_a_deleted_products_line_leaves_room_for_another(shopper, catalog, jackets, staff):
    product_ids = catalog.many_products(jackets, 51)
    fill_cart(shopper, product_ids[:50])
    staff.delete(f"/api/products/{product_ids[0]}/")

    assert add(shopper, product_ids[50]).status == 201


def test_the_cart_shows_lines_at_their_current_price_with_string_money(
    shopper, jacket, catalog, jackets, staff
) -> None:
    scarf = catalog.product(jackets, "Wool Scarf", price="450.50", stock=9)
    add(shopper, jacket["id"], 2)
    add(shopper, scarf["id"], 1)
    staff.patch(f"/api/products/{jacket['id']}/", {"price": "1000.00"})

    cart = shopper.get("/api/cart/items/").body

    assert [(i["product_price"], i["subtotal"]) for i in cart["items"]] == [
        ("1000.00", "2000.00"),
        ("450.50", "450.50"),
    ]
    assert cart["total"] == "2450.50"


def test_deleting_a_product_takes_it_out_of_carts(shopper, jacket, catalog, jackets, staff):
    scarf = catalog.product(jackets, "Wool Scarf", price="450.00", stock=9)
    add(shopper, jacket["id"], 1)
    add(shopper, scarf["id"], 1)

    assert staff.delete(f"/api/products/{jacket['id']}/").status == 204

    cart = shopper.get("/api/cart/items/").body
    assert [item["product"] for item in cart["items"]] == [scarf["id"]]
    assert cart["total"] == "450.00"


def test_removing_an_item_answers_with_a_message(shopper, jacket) -> None:
    add(shopper, jacket["id"], 1)

    reply = shopper.post("/api/cart/remove_item/", {"product_id": jacket["id"]})

    assert (reply.status, reply.body) == (200, {"message": "Item removed from cart"})
    assert shopper.get("/api/cart/items/").body["items"] == []


def test_removing_a_product_that_is_not_in_the_cart_is_not_found(shopper, jacket) -> None:
    assert shopper.post("/api/cart/remove_item/", {"product_id": jacket["id"]}).status == 404


def test_updating_the_quantity_sets_it(shopper, jacket) -> None:
    line = add(shopper, jacket["id"], 1).body

    reply = shopper.post("/api/cart/update_quantity/", {"product_id": jacket["id"], "quantity": 4})

    assert reply.status == 200
    assert (reply.body["id"], reply.body["quantity"], reply.body["subtotal"]) == (
        line["id"],
        4,
        "5600.00",
    )


@pytest.mark.parametrize("quantity", [0, -2, "x"])
def test_updating_to_a_quantity_below_one_is_refused(shopper, jacket, quantity) -> None:
    add(shopper, jacket["id"], 1)

    reply = shopper.post(
        "/api/cart/update_quantity/", {"product_id": jacket["id"], "quantity": quantity}
    )

    assert reply.status == 400
    assert "quantity" in reply.body


def test_updating_above_the_stock_is_refused(shopper, jacket) -> None:
    add(shopper, jacket["id"], 1)

    reply = shopper.post("/api/cart/update_quantity/", {"product_id": jacket["id"], "quantity": 6})

    assert reply.status == 400
    assert shopper.get("/api/cart/items/").body["items"][0]["quantity"] == 1


def test_updating_a_product_that_is_not_in_the_cart_is_not_found(shopper, jacket) -> None:
    reply = shopper.post("/api/cart/update_quantity/", {"product_id": jacket["id"], "quantity": 1})

    assert reply.status == 404


def test_clearing_empties_the_cart_and_keeps_it(shopper, jacket) -> None:
    add(shopper, jacket["id"], 1)
    cart_id = shopper.get("/api/cart/items/").body["id"]

    reply = shopper.post("/api/cart/clear/")

    assert (reply.status, reply.body) == (200, {"message": "Cart cleared"})
    cart = shopper.get("/api/cart/items/").body
    assert (cart["id"], cart["items"], cart["total"]) == (cart_id, [], "0.00")


def test_deleting_the_cart_starts_a_new_one_next_time(shopper, jacket) -> None:
    add(shopper, jacket["id"], 1)
    old_id = shopper.get("/api/cart/items/").body["id"]

    reply = shopper.delete("/api/cart/delete/")

    assert (reply.status, reply.body) == (200, {"message": "Cart deleted"})
    cart = shopper.get("/api/cart/items/").body
    assert cart["items"] == [] and cart["id"] > old_id


def test_deleting_a_user_deletes_their_cart(shopper, jacket, staff) -> None:
    add(shopper, jacket["id"], 1)
    me = shopper.get("/api/users/me/").body

    assert staff.delete(f"/api/users/{me['id']}/").status == 204

    from chalicelib.services.storage import store

    assert store.carts.read_cart(f"user#{me['id']}").cart is None


def test_a_cookie_session_needs_the_csrf_header_to_change_the_cart(api, people, jacket) -> None:
    people.signup("browser")
    reply = api.post("/api/auth/login/", {"username": "browser", "password": people.password})
    jar = dict(header.split(";")[0].split("=", 1) for header in reply.headers["Set-Cookie"])
    cookie = {"Cookie": f"sessionid={jar['sessionid']}; csrftoken={jar['csrftoken']}"}
    body = {"product_id": jacket["id"]}

    assert api.post("/api/cart/add_item/", body, headers=cookie).status == 403
    csrf = {**cookie, "X-CSRFToken": jar["csrftoken"]}
    assert api.post("/api/cart/add_item/", body, headers=csrf).status == 201


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/cart/add_item/"), ("POST", "/api/cart/items/"), ("GET", "/api/cart/delete/")],
)
def test_another_method_on_a_cart_path_is_not_allowed(shopper, method, path) -> None:
    assert shopper.request(method, path).status == 405
