"""What many tests share: the test password and login address, the API's error bodies and
timestamp format, a JSON client over the app with the helpers that sign users up, log them
in and fill the catalog through the API, and the few calls of the use cases (sign a user
up, order one product, read a product's score, list the media bucket) that tests of
several folders make directly.

A plain module (imported as ``from helpers import ...``), not a conftest: test modules
cannot import conftest modules, whose names clash across folders."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from chalice.test import Client

if TYPE_CHECKING:
    from chalicelib.domain.entities import Product, User

# The password of every user the tests create.
PASSWORD = "correct-horse-9"
# The address the tests' logins come from (a documentation range, RFC 5737).
CLIENT_ADDRESS = "203.0.113.7"
# A browser origin the test stage allows, as every local stage does.
ORIGIN = "http://localhost:3000"

# What the API answers, worded as DRF words it.
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
NOT_FOUND = {"detail": "Not found."}
BAD_CREDENTIALS = {"non_field_errors": ["Unable to log in with provided credentials."]}
INVALID_CURSOR = {"cursor": ["Invalid cursor."]}


@dataclass
class Reply:
    status: int
    headers: dict[str, Any]
    body: Any


@dataclass
class Api:
    """A thin JSON client over chalice.test.Client."""

    client: Client
    default_headers: dict[str, str] = field(default_factory=dict)

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        raw: bytes | str | None = None,
    ) -> Reply:
        sent = {"Content-Type": "application/json", **self.default_headers, **(headers or {})}
        payload = raw if raw is not None else (json.dumps(body) if body is not None else None)
        response = self.client.http.request(method, path, headers=sent, body=payload or b"")
        text = response.body.decode() if response.body else ""
        if not text:
            return Reply(response.status_code, response.headers, None)
        # Every answer is JSON but the docs page and its assets (/api/docs/), kept as text.
        content_type = next(
            (v for k, v in response.headers.items() if k.lower() == "content-type"), ""
        )
        body = json.loads(text) if content_type.startswith("application/json") else text
        return Reply(response.status_code, response.headers, body)

    def get(self, path: str, **kwargs: Any) -> Reply:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Reply:
        return self.request("POST", path, body, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any) -> Reply:
        return self.request("PUT", path, body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any) -> Reply:
        return self.request("PATCH", path, body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Reply:
        return self.request("DELETE", path, **kwargs)

    def as_token(self, token: str) -> Api:
        return Api(self.client, {"Authorization": f"Token {token}"})

    def next_page(self, reply: Reply) -> Reply | None:
        """Follows the ``Link: <absolute URL>; rel="next"`` of a list page, if any."""
        url = next_link(reply)
        if url is None:
            return None
        parts = urlsplit(url)
        return self.get(f"{parts.path}?{parts.query}")

    def all_pages(self, path: str, max_pages: int = 100) -> list[Any]:
        """The items of ``path`` and of every page its next links lead to, in order."""
        reply: Reply | None = self.get(path)
        items: list[Any] = []
        for _ in range(max_pages):
            if reply is None:
                return items
            assert reply.status == 200, reply.body
            items += reply.body
            reply = self.next_page(reply)
        raise AssertionError(f"the next links of {path} did not end within {max_pages} pages")


def next_link(reply: Reply) -> str | None:
    match = re.fullmatch(r'<([^>]+)>; rel="next"', reply.headers.get("Link", ""))
    return match.group(1) if match else None


def stock_of(api: Api, product: dict[str, Any]) -> int:
    """The stock the API shows for ``product``."""
    return int(api.get(f"/api/products/{product['id']}/").body["stock"])


def signup(api: Api, username: str, **extra: Any) -> dict[str, Any]:
    body = {"username": username, "password": PASSWORD, "email": f"{username}@example.com"}
    reply = api.post("/api/users/", {**body, **extra})
    assert reply.status == 201, reply.body
    return reply.body  # type: ignore[no-any-return]


def login(api: Api, username: str, password: str = PASSWORD) -> str:
    reply = api.post("/api/auth/login/", {"username": username, "password": password})
    assert reply.status == 200, reply.body
    return reply.body["token"]  # type: ignore[no-any-return]


@dataclass
class Catalog:
    """Creates categories and products through the API, as staff."""

    staff: Api

    def category(self, name: str = "Jackets") -> dict[str, Any]:
        reply = self.staff.post("/api/categories/", {"name": name})
        assert reply.status == 201, reply.body
        return reply.body

    def product(
        self, category: int | dict[str, Any], name: str = "White Jacket", **fields: Any
    ) -> dict[str, Any]:
        """A product of ``category`` (its id, or the category as the API returned it)."""
        category_id = category["id"] if isinstance(category, dict) else category
        body = {"name": name, "price": "1400.00", "category": category_id, "stock": 5, **fields}
        reply = self.staff.post("/api/products/", body)
        assert reply.status == 201, reply.body
        return reply.body

    def many_products(
        self, category: dict[str, Any], count: int, price: str = "1.00", stock: int = 1
    ) -> list[int]:
        """The ids of ``count`` new products of ``category`` named P0, P1, ..., written as
        the store writes a created product (its own record mapping, counted in the
        category) but in one batch: for tests whose subject is having many products (a
        full page, a 50-line cart), where a request per product would dominate the run."""
        from decimal import Decimal

        from chalicelib.domain.clock import utc_now
        from chalicelib.domain.entities import Product
        from chalicelib.services.storage import IN_MEMORY, served_by, store

        def product(number: int, product_id: int) -> Product:
            return Product(
                id=product_id,
                name=f"P{number}",
                price=Decimal(price),
                category_id=category["id"],
                category_name=category["name"],
                created_at=utc_now(),
                stock=stock,
            )

        if served_by() == IN_MEMORY:  # a write costs microseconds there
            return [
                store.products.create_product(product(number, store.products.new_product_id())).id
                for number in range(count)
            ]
        from chalicelib.store.id_blocks import reserve_ids
        from chalicelib.store.models.catalog import CategoryRecord, ProductRecord
        from chalicelib.store.products import to_record
        from chalicelib.store.unit_of_work import leaving_version_alone

        ids = reserve_ids("product", count)
        with ProductRecord.batch_write() as batch:
            for number, product_id in enumerate(ids):
                record = to_record(product(number, product_id))
                record.version = 1  # as the transaction of a created product stores it
                batch.save(record)
        category_record = leaving_version_alone(CategoryRecord(category["id"]))
        category_record.update(actions=[CategoryRecord.product_count.add(count)])
        return ids


@dataclass
class People:
    """Signs users up and logs them in through the API."""

    api: Api
    password: str = PASSWORD

    def signup(self, username: str, **extra: Any) -> dict[str, Any]:
        return signup(self.api, username, **extra)

    def token(self, username: str, password: str = PASSWORD) -> str:
        return login(self.api, username, password)

    def client(self, username: str, password: str = PASSWORD) -> Api:
        """A client carrying a fresh session token of ``username``."""
        return self.api.as_token(login(self.api, username, password))


BUSY_RETRIES = 3


def retried_while_busy[ResponseT](send: Callable[[], ResponseT]) -> ResponseT:
    """``send()``, sent again after ``Retry-After`` while it answers 503, as the contract
    tells a client to. Tests that load one emulator process with many concurrent requests
    use it: on a busy CI machine a call can outlast the 2 s read timeout, and a 503 there
    says nothing about the rule under test."""
    response = send()
    for _ in range(BUSY_RETRIES):
        if getattr(response, "status_code", None) != 503:
            break
        time.sleep(float(response.headers.get("Retry-After", "1")))  # type: ignore[attr-defined]
        response = send()
    return response


def fill_cart(client: Api, product_ids: list[int]) -> None:
    """One unit of each product in the cart of ``client``'s user, added in one write of
    the cart as the cart use cases write it: for tests about a nearly full cart, where a
    request per line (each pricing the growing cart) would dominate the run."""
    from chalicelib.domain.cart import UserCartOwner
    from chalicelib.domain.clock import utc_now
    from chalicelib.services.storage import store

    assert client.get("/api/cart/items/").status == 200  # the cart exists from here on
    key = store.carts.owner_key(UserCartOwner(client.get("/api/users/me/").body["id"]))
    cart = store.carts.read_cart(key).cart
    assert cart is not None
    now = utc_now()
    line_ids = store.carts.new_line_ids(len(product_ids))
    for line_id, product_id in zip(line_ids, product_ids, strict=True):
        cart.add_line(line_id, product_id, 1, now)
    store.carts.save_cart(key, cart)


# The use cases, called directly (tests/services, tests/integration).


def make_user(name: str) -> User:
    """The user ``name`` (``name@example.com``), signed up through the use case."""
    from chalicelib.domain.accounts import NewUser
    from chalicelib.services import accounts

    return accounts.signup(NewUser(username=name, email=f"{name}@example.com", password=PASSWORD))


def new_shopper(number: int) -> User:
    """The shopper ``s<number>``, one of many, signed up through the use case."""
    return make_user(f"s{number}")


def order_one(user: User, product: Product) -> int:
    """The id of an order of one ``product`` by ``user``, placed through the use case."""
    from chalicelib.services import orders

    return orders.create_order(user, "1 Main St", [(product.id, 1)]).order_id


def score(product: Product) -> tuple[int, int, float]:
    """The product's rating sum, rating count and average rating, as the catalog reads them."""
    from chalicelib.services import catalog

    stored = catalog.get_product(product.id)
    return stored.rating_sum, stored.rating_count, stored.average_rating


def bucket_keys() -> list[str]:
    """The keys in the media bucket, sorted."""
    import boto3

    from chalicelib.config import get_settings

    settings = get_settings()
    s3 = boto3.client("s3", region_name=settings.aws_region, endpoint_url=settings.aws_endpoint_url)
    listed = s3.list_objects_v2(Bucket=settings.media_bucket)
    return sorted(item["Key"] for item in listed.get("Contents", []))


def expected_order(products: list[Any], ordering: str | None) -> list[int]:
    """The ids of ``products`` (domain ``Product`` objects) in the order a product list
    with ``ordering`` serves them: by the field, then by id."""
    field = (ordering or "id").lstrip("-")
    sort_values = {
        "id": lambda product: (product.id,),
        "created_at": lambda product: (product.created_at, product.id),
        "price": lambda product: (product.price, product.id),
        "name": lambda product: (product.name.casefold(), product.id),
    }[field]
    ids = [product.id for product in sorted(products, key=sort_values)]
    return ids[::-1] if (ordering or "").startswith("-") else ids


SHIPPING = {"shipping_address": "Kohalpur"}


def add_to_cart(client: Api, product: dict[str, Any], quantity: int) -> None:
    reply = client.post("/api/cart/add_item/", {"product_id": product["id"], "quantity": quantity})
    assert reply.status in (200, 201), reply.body


def check_out(client: Api, key: str | None = None, **body: Any) -> Reply:
    """``POST /api/cart/checkout/`` with a shipping address, and an Idempotency-Key if
    ``key``."""
    headers = {"Idempotency-Key": key} if key else {}
    return client.post("/api/cart/checkout/", {**SHIPPING, **body}, headers=headers)
