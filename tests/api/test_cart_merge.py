"""Merging a guest cart into the user's cart after login: quantities summed within stock,
the guest cart deleted, all in one transaction; the 400/403/404 cases of the contract."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import fill_cart


@pytest.fixture
def guest(api: Any) -> dict[str, Any]:
    return api.post("/api/cart/guest/").body  # type: ignore[no-any-return]


def fill_guest_cart(api: Any, guest: dict[str, Any], *lines: tuple[int, int]) -> None:
    for product_id, quantity in lines:
        reply = api.post(
            "/api/cart/add_item/",
            {"product_id": product_id, "quantity": quantity},
            headers={"X-Cart-Token": guest["cart_token"]},
        )
        assert reply.status == 201, reply.body


def merge(client: Any, cart_id: int, token: str | None) -> Any:
    headers = {"X-Cart-Token": token} if token else {}
    return client.post("/api/cart/merge/", {"cart_id": cart_id}, headers=headers)


def quantities(client: Any) -> dict[int, int]:
    return {i["product"]: i["quantity"] for i in client.get("/api/cart/items/").body["items"]}


def test_merging_adds_the_guest_lines_and_sums_quantities(api, shopper, guest, jacket, scarf):
    shopper.post("/api/cart/add_item/", {"product_id": jacket["id"], "quantity": 2})
    fill_guest_cart(api, guest, (jacket["id"], 1), (scarf["id"], 3))

    reply = merge(shopper, guest["cart_id"], guest["cart_token"])

    assert (reply.status, reply.body) == (200, {"message": "Carts merged successfully"})
    assert quantities(shopper) == {jacket["id"]: 3, scarf["id"]: 3}


def test_merging_into_a_user_without_a_cart_gives_them_one(api, shopper, guest, jacket):
    fill_guest_cart(api, guest, (jacket["id"], 2))

    assert merge(shopper, guest["cart_id"], guest["cart_token"]).status == 200
    assert quantities(shopper) == {jacket["id"]: 2}


def test_the_merged_guest_cart_is_deleted(api, shopper, guest, jacket) -> None:
    fill_guest_cart(api, guest, (jacket["id"], 1))
    merge(shopper, guest["cart_id"], guest["cart_token"])

    reply = api.get("/api/cart/items/", headers={"X-Cart-Token": guest["cart_token"]})

    assert reply.status == 401


def test_merging_again_finds_nothing_and_never_doubles(api, shopper, guest, jacket) -> None:
    fill_guest_cart(api, guest, (jacket["id"], 2))
    merge(shopper, guest["cart_id"], guest["cart_token"])

    assert merge(shopper, guest["cart_id"], guest["cart_token"]).status == 404
    assert quantities(shopper) == {jacket["id"]: 2}


def test_merging_over_the_stock_changes_nothing(api, shopper, guest, jacket) -> None:
    shopper.post("/api/cart/add_item/", {"product_id": jacket["id"], "quantity": 4})
    fill_guest_cart(api, guest, (jacket["id"], 2))

    reply = merge(shopper, guest["cart_id"], guest["cart_token"])

    assert reply.status == 400
    assert "White Jacket" in reply.body["detail"]
    assert quantities(shopper) == {jacket["id"]: 4}
    guest_view = api.get("/api/cart/items/", headers={"X-Cart-Token": guest["cart_token"]})
    assert [i["quantity"] for i in guest_view.body["items"]] == [2]


def test_merging_past_fifty_lines_is_refused(api, shopper, guest, catalog, jackets) -> None:
    product_ids = catalog.many_products(jackets, 51)
    fill_cart(shopper, product_ids[:50])
    fill_guest_cart(api, guest, (product_ids[50], 1))

    assert merge(shopper, guest["cart_id"], guest["cart_token"]).status == 400
    assert len(quantities(shopper)) == 50


def test_merging_a_cart_into_itself_is_refused(shopper) -> None:
    own = shopper.get("/api/cart/items/").body["id"]

    reply = merge(shopper, own, None)

    assert reply.status == 400


def test_merging_another_users_cart_is_forbidden(shopper, people, jacket) -> None:
    people.signup("other")
    other = people.client("other")
    other.post("/api/cart/add_item/", {"product_id": jacket["id"]})
    their_cart = other.get("/api/cart/items/").body["id"]

    reply = merge(shopper, their_cart, None)

    assert reply.status == 403
    assert quantities(other) == {jacket["id"]: 1}


def test_merging_a_guest_cart_without_its_token_is_forbidden(api, shopper, guest, jacket):
    fill_guest_cart(api, guest, (jacket["id"], 1))

    assert merge(shopper, guest["cart_id"], None).status == 403
    assert quantities(shopper) == {}


def test_merging_a_guest_cart_with_another_carts_token_is_forbidden(api, shopper, guest):
    other = api.post("/api/cart/guest/").body

    assert merge(shopper, guest["cart_id"], other["cart_token"]).status == 403


def test_merging_an_unknown_cart_is_not_found(shopper) -> None:
    assert merge(shopper, 424242, "424242.secret").status == 404


def test_merging_needs_a_cart_id(shopper) -> None:
    reply = shopper.post("/api/cart/merge/", {})

    assert (reply.status, reply.body) == (400, {"cart_id": ["This field is required."]})


def test_a_guest_line_of_a_deleted_product_is_not_merged(api, shopper, guest, jacket, scarf, staff):
    fill_guest_cart(api, guest, (jacket["id"], 1), (scarf["id"], 1))
    staff.delete(f"/api/products/{jacket['id']}/")

    assert merge(shopper, guest["cart_id"], guest["cart_token"]).status == 200
    assert quantities(shopper) == {scarf["id"]: 1}
