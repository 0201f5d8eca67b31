"""Guest carts: issued without a login, used through X-Cart-Token on every cart endpoint
except checkout and merge, stored only as a hash of the token, gone after 30 days."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from chalicelib.domain.clock import utc_now


@pytest.fixture
def guest(api: Any) -> dict[str, Any]:
    reply = api.post("/api/cart/guest/")
    assert reply.status == 201, reply.body
    return reply.body  # type: ignore[no-any-return]


def as_guest(token: str) -> dict[str, str]:
    return {"X-Cart-Token": token}


def test_a_guest_cart_is_issued_without_a_login(api: Any) -> None:
    reply = api.post("/api/cart/guest/")

    assert reply.status == 201
    assert isinstance(reply.body["cart_id"], int)
    assert isinstance(reply.body["cart_token"], str) and len(reply.body["cart_token"]) > 20


def test_each_guest_cart_gets_its_own_id_and_token(api: Any) -> None:
    first, second = api.post("/api/cart/guest/").body, api.post("/api/cart/guest/").body

    assert first["cart_id"] != second["cart_id"]
    assert first["cart_token"] != second["cart_token"]


def test_a_guest_reads_their_cart_with_the_token(api, guest) -> None:
    reply = api.get("/api/cart/items/", headers=as_guest(guest["cart_token"]))

    assert reply.status == 200
    assert (reply.body["id"], reply.body["user"], reply.body["items"]) == (
        guest["cart_id"],
        None,
        [],
    )


def test_a_guest_adds_updates_and_removes_items_with_the_token(api, guest, jacket) -> None:
    headers = as_guest(guest["cart_token"])
    product = {"product_id": jacket["id"]}

    assert (
        api.post("/api/cart/add_item/", {**product, "quantity": 1}, headers=headers).status == 201
    )
    updated = api.post("/api/cart/update_quantity/", {**product, "quantity": 3}, headers=headers)
    assert (updated.status, updated.body["quantity"]) == (200, 3)
    assert api.get("/api/cart/items/", headers=headers).body["total"] == "4200.00"
    assert api.post("/api/cart/remove_item/", product, headers=headers).status == 200
    assert api.get("/api/cart/items/", headers=headers).body["items"] == []


def test_a_guest_cart_checks_the_stock_too(api, guest, jacket) -> None:
    body = {"product_id": jacket["id"], "quantity": 6}

    reply = api.post("/api/cart/add_item/", body, headers=as_guest(guest["cart_token"]))

    assert reply.status == 400


def test_a_guest_clears_and_deletes_their_cart(api, guest, jacket) -> None:
    headers = as_guest(guest["cart_token"])
    api.post("/api/cart/add_item/", {"product_id": jacket["id"]}, headers=headers)

    assert api.post("/api/cart/clear/", headers=headers).body == {"message": "Cart cleared"}
    assert api.delete("/api/cart/delete/", headers=headers).body == {"message": "Cart deleted"}
    assert api.get("/api/cart/items/", headers=headers).status == 401


@pytest.mark.parametrize("token", ["nonsense", "1.", ".secret", "99999.secret", "1.not-the-secret"])
def test_a_token_that_names_no_guest_cart_is_no_credential(api, guest, token) -> None:
    assert api.get("/api/cart/items/", headers=as_guest(token)).status == 401


def test_a_token_is_bound_to_its_own_cart(api, guest) -> None:
    other = api.post("/api/cart/guest/").body
    _, _, secret = guest["cart_token"].partition(".")
    forged = f"{other['cart_id']}.{secret}"

    assert api.get("/api/cart/items/", headers=as_guest(forged)).status == 401


def test_a_guest_cannot_check_out(api, guest, jacket) -> None:
    headers = as_guest(guest["cart_token"])
    api.post("/api/cart/add_item/", {"product_id": jacket["id"]}, headers=headers)

    reply = api.post("/api/cart/checkout/", {"shipping_address": "Kohalpur"}, headers=headers)

    assert reply.status == 401


def test_a_guest_cannot_merge(api, guest) -> None:
    other = api.post("/api/cart/guest/").body

    reply = api.post(
        "/api/cart/merge/", {"cart_id": other["cart_id"]}, headers=as_guest(guest["cart_token"])
    )

    assert reply.status == 401


def test_a_logged_in_user_uses_their_own_cart_even_with_a_token(shopper, guest, jacket) -> None:
    headers = as_guest(guest["cart_token"])
    shopper.post("/api/cart/add_item/", {"product_id": jacket["id"]}, headers=headers)

    assert shopper.get("/api/cart/items/", headers=headers).body["user"] is not None
    assert len(shopper.get("/api/cart/items/").body["items"]) == 1


def test_only_a_hash_of_the_token_is_stored(api, guest) -> None:
    from chalicelib.services.storage import store

    stored = store.carts.read_cart(f"guest#{guest['cart_id']}").cart

    assert stored is not None and stored.token_hash
    assert guest["cart_token"] not in repr(stored)


def test_a_guest_cart_expires_thirty_days_after_its_last_change(
    api, guest, jacket, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.services import cart

    headers = as_guest(guest["cart_token"])
    api.post("/api/cart/add_item/", {"product_id": jacket["id"]}, headers=headers)
    changed_at = utc_now()

    monkeypatch.setattr(cart, "utc_now", lambda: changed_at + timedelta(days=29))
    assert api.get("/api/cart/items/", headers=headers).status == 200
    monkeypatch.setattr(cart, "utc_now", lambda: changed_at + timedelta(days=30, seconds=1))
    assert api.get("/api/cart/items/", headers=headers).status == 401
