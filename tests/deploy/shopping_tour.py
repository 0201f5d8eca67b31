"""A tour of the API that makes every kind of AWS call the code makes, for the policy tests."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from chalice.test import Client
from helpers import PASSWORD


class Caller:
    """JSON (or multipart) requests through the test client, each expected to succeed."""

    def __init__(self, client: Client, token: str | None = None, **headers: str) -> None:
        self.client, self.headers = client, dict(headers)
        if token:
            self.headers["Authorization"] = f"Token {token}"

    def __call__(self, method: str, path: str, body: Any = None, **headers: str) -> Any:
        sent = {"Content-Type": "application/json", **self.headers, **headers}
        payload = body if isinstance(body, bytes) else json.dumps(body).encode() if body else b""
        response = self.client.http.request(method, path, headers=sent, body=payload)
        assert response.status_code < 300, (method, path, response.status_code, response.body)
        return json.loads(response.body) if response.body else None

    def pages(self, path: str) -> list[Any]:
        """The items of ``path`` and of the pages its ``Link: rel="next"`` headers lead to."""
        items: list[Any] = []
        while path:
            sent = {"Content-Type": "application/json", **self.headers}
            response = self.client.http.request("GET", path, headers=sent)
            assert response.status_code == 200, (path, response.status_code, response.body)
            items += json.loads(response.body)
            link = response.headers.get("Link", "")
            path = urlsplit(link[1:].split(">")[0])._replace(scheme="", netloc="").geturl()
        return items

    def login(self, username: str, password: str = PASSWORD) -> Caller:
        reply = self("POST", "/api/auth/login/", {"username": username, "password": password})
        return Caller(self.client, reply["token"])


def shop_a_little(client: Client) -> None:
    """A tour of every kind of write and read the API makes: accounts, catalog with an
    image, ratings, guest cart and merge, checkout, orders, and the deletions."""
    from sample_images import multipart, png

    from chalicelib.services.accounts import create_superuser

    anyone = Caller(client)
    create_superuser("staff", "staff@example.com", PASSWORD)
    user = anyone(
        "POST",
        "/api/users/",
        {"username": "shopper", "password": PASSWORD, "email": "shopper@example.com"},
    )
    wrong = {"username": "shopper", "password": "not-the-password"}
    assert (
        client.http.post(
            "/api/auth/login/", headers={"Content-Type": "application/json"}, body=json.dumps(wrong)
        ).status_code
        == 400
    )
    staff, shopper, other_session = (anyone.login(name) for name in ("staff", "shopper", "shopper"))

    category = staff("POST", "/api/categories/", {"name": "Jackets"})
    product = staff(
        "POST",
        "/api/products/",
        {"name": "White Jacket", "price": "1400.00", "category": category["id"], "stock": 5},
    )
    item = f"/api/products/{product['id']}/"
    content_type, form = multipart({"name": "White Jacket"}, {"image": ("jacket.png", png())})
    staff("PATCH", item, form, **{"Content-Type": content_type})
    staff("PATCH", item, {"image": None, "price": "1200.00"})
    staff("PATCH", f"/api/categories/{category['id']}/", {"name": "Coats"})
    for path in (
        "/api/health/",
        "/api/categories/",
        f"/api/categories/{category['id']}/",
        f"/api/categories/{category['id']}/products/?ordering=price",
        "/api/products/?ordering=-name",
        item,
        f"/api/ratings/?product={product['id']}",
    ):
        anyone("GET", path)

    rating = shopper("POST", f"{item}rate/", {"rating": 4, "comment": "warm"})
    shopper("PATCH", f"/api/ratings/{rating['id']}/", {"rating": 5})
    guest = anyone("POST", "/api/cart/guest/")
    anyone(
        "POST",
        "/api/cart/add_item/",
        {"product_id": product["id"], "quantity": 1},
        **{"X-Cart-Token": guest["cart_token"]},
    )
    shopper(
        "POST",
        "/api/cart/merge/",
        {"cart_id": guest["cart_id"]},
        **{"X-Cart-Token": guest["cart_token"]},
    )
    shopper("POST", "/api/cart/update_quantity/", {"product_id": product["id"], "quantity": 2})
    shopper("GET", "/api/cart/items/")
    order = shopper(
        "POST",
        "/api/cart/checkout/",
        {"shipping_address": "1 Main St"},
        **{"Idempotency-Key": "checkout-1"},
    )
    shopper("PATCH", f"/api/orders/{order['order_id']}/", {"status": "Cancelled"})
    direct = shopper(
        "POST",
        "/api/orders/",
        {
            "shipping_address": "1 Main St",
            "order_items": [{"product": product["id"], "quantity": 1}],
        },
    )
    shopper("DELETE", f"/api/orders/{direct['id']}/")
    shopper("GET", "/api/orders/")
    shopper("GET", "/api/auth/user/")
    staff("GET", "/api/users/")
    # Two users, one per page: the cursor is signed and checked with the stage's key.
    assert len(staff.pages("/api/users/?limit=1")) == 2
    other_session("PATCH", f"/api/users/{user['id']}/", {"password": "another-horse-7"})
    other_session("POST", "/api/auth/logout/")
    shopper_again = anyone.login("shopper", "another-horse-7")
    shopper_again("POST", "/api/cart/add_item/", {"product_id": product["id"], "quantity": 1})
    staff("DELETE", f"/api/ratings/{rating['id']}/")
    staff("DELETE", item)
    staff("DELETE", f"/api/categories/{category['id']}/")
    staff("DELETE", f"/api/users/{user['id']}/")
