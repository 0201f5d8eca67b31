"""What the two fault walks share: the multi-step use cases they drive through the API,
the shop each one starts from, and what must hold after every run.

The walk over the in-memory store (tests/services/test_faults_at_every_step.py) takes
every use case through a fault at each of its steps; the walk over the moto server
(tests/integration/test_faults_at_every_step.py) takes checkout through faults injected
into botocore, for what only botocore shows (its retries, the replay of a transaction
whose answer was lost).

A plain module (imported as ``from fault_walk import ...``), not a conftest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from helpers import PASSWORD, Api, Reply, login, signup
from sample_images import multipart, png

# Every product starts with this stock; its stock plus what live orders hold stays this.
INITIAL_STOCK = 5


@dataclass
class Shop:
    """The starting data of every run: a category with an image, a jacket with an image
    and a scarf, both with INITIAL_STOCK, staff and a shopper (signed in)."""

    api: Api
    staff: Api
    shopper: Api
    shopper_id: int
    category: int
    jacket: int
    scarf: int
    context: dict[str, Any] = field(default_factory=dict)
    restore: Callable[[], None] = lambda: None


def form(client: Api, method: str, path: str, fields: dict[str, Any], image: bytes) -> Reply:
    content_type, body = multipart(fields, {"image": ("photo.png", image)})
    return client.request(method, path, headers={"Content-Type": content_type}, raw=body)


def created(reply: Reply) -> dict[str, Any]:
    assert reply.status in (200, 201), reply.body
    return reply.body


def open_shop(api: Api) -> Shop:
    from chalicelib.services.accounts import create_superuser

    create_superuser("staff", "staff@example.com", PASSWORD)
    staff = api.as_token(login(api, "staff"))
    shopper_id = signup(api, "shopper")["id"]
    shopper = api.as_token(login(api, "shopper"))
    category = created(form(staff, "POST", "/api/categories/", {"name": "Jackets"}, png()))
    fields = {"category": str(category["id"]), "price": "1400.00", "stock": str(INITIAL_STOCK)}
    jacket = created(form(staff, "POST", "/api/products/", {**fields, "name": "Jacket"}, png()))
    scarf = created(
        staff.post(
            "/api/products/",
            {"name": "Scarf", "price": "450.00", "category": category["id"], "stock": 5},
        )
    )
    return Shop(api, staff, shopper, shopper_id, category["id"], jacket["id"], scarf["id"])


def add(client: Api, product: int, quantity: int, headers: dict[str, str] | None = None) -> None:
    body = {"product_id": product, "quantity": quantity}
    created(client.post("/api/cart/add_item/", body, headers=headers))


def rate(client: Api, product: int, rating: int) -> int:
    reply = client.post(f"/api/products/{product}/rate/", {"rating": rating, "comment": "ok"})
    return int(created(reply)["id"])


# --- the use cases: how each one's data is prepared, then the use case itself ---------


def prepare_checkout(shop: Shop) -> None:
    add(shop.shopper, shop.jacket, 2)
    add(shop.shopper, shop.scarf, 1)


def checkout(shop: Shop) -> Reply:
    return shop.shopper.post("/api/cart/checkout/", {"shipping_address": "Kohalpur"})


def prepare_cart_merge(shop: Shop) -> None:
    add(shop.shopper, shop.scarf, 1)
    guest = created(shop.api.post("/api/cart/guest/"))
    add(shop.api, shop.jacket, 1, headers={"X-Cart-Token": guest["cart_token"]})
    shop.context["guest"] = guest


def cart_merge(shop: Shop) -> Reply:
    guest = shop.context["guest"]
    return shop.shopper.post(
        "/api/cart/merge/",
        {"cart_id": guest["cart_id"]},
        headers={"X-Cart-Token": guest["cart_token"]},
    )


def replace_product_image(shop: Shop) -> Reply:
    return form(shop.staff, "PATCH", f"/api/products/{shop.jacket}/", {}, png())


def replace_category_image(shop: Shop) -> Reply:
    return form(shop.staff, "PATCH", f"/api/categories/{shop.category}/", {}, png())


def prepare_product_deletion(shop: Shop) -> None:
    rate(shop.shopper, shop.jacket, 4)
    other = shop.api.as_token(login(shop.api, "staff"))
    rate(other, shop.jacket, 2)


def delete_product(shop: Shop) -> Reply:
    return shop.staff.delete(f"/api/products/{shop.jacket}/")


def prepare_user_deletion(shop: Shop) -> None:
    rate(shop.shopper, shop.jacket, 4)
    rate(shop.shopper, shop.scarf, 1)
    add(shop.shopper, shop.scarf, 1)


def delete_user(shop: Shop) -> Reply:
    return shop.staff.delete(f"/api/users/{shop.shopper_id}/")


def rate_a_product(shop: Shop) -> Reply:
    return shop.shopper.post(f"/api/products/{shop.jacket}/rate/", {"rating": 4})


def prepare_rating(shop: Shop) -> None:
    shop.context["rating"] = rate(shop.shopper, shop.jacket, 4)


def change_rating(shop: Shop) -> Reply:
    return shop.shopper.patch(f"/api/ratings/{shop.context['rating']}/", {"rating": 1})


def delete_rating(shop: Shop) -> Reply:
    return shop.shopper.delete(f"/api/ratings/{shop.context['rating']}/")


def sign_up(shop: Shop) -> Reply:
    body = {"username": "newcomer", "email": "newcomer@example.com", "password": PASSWORD}
    return shop.api.post("/api/users/", body)


def prepare_order(shop: Shop) -> None:
    add(shop.shopper, shop.jacket, 2)
    shop.context["order"] = created(checkout(shop))["order_id"]


def cancel_order(shop: Shop) -> Reply:
    return shop.shopper.patch(f"/api/orders/{shop.context['order']}/", {"status": "Cancelled"})


def nothing(shop: Shop) -> None:
    pass


@dataclass(frozen=True)
class UseCase:
    name: str
    prepare: Callable[[Shop], None]
    run: Callable[[Shop], Reply]

    def __str__(self) -> str:
        return self.name


CHECKOUT = UseCase("checkout", prepare_checkout, checkout)
USE_CASES = [
    CHECKOUT,
    UseCase("cart merge", prepare_cart_merge, cart_merge),
    UseCase("product image replace", nothing, replace_product_image),
    UseCase("category image replace", nothing, replace_category_image),
    UseCase("product deletion", prepare_product_deletion, delete_product),
    UseCase("user deletion", prepare_user_deletion, delete_user),
    UseCase("rating create", nothing, rate_a_product),
    UseCase("rating change", prepare_rating, change_rating),
    UseCase("rating delete", prepare_rating, delete_rating),
    UseCase("signup", nothing, sign_up),
    UseCase("order cancel", prepare_order, cancel_order),
]


# --- what must hold after every run ------------------------------------------------------


@dataclass(frozen=True)
class Stored:
    """What a store holds after a run, as the checks below read it: the records of
    either store, whose attributes have the same names (``image_key``, ``product_count``,
    ``stock`` ...), the username and email claims (claim key -> user id), and the keys of
    the image objects."""

    categories: list[Any]
    products: list[Any]
    orders: list[Any]
    ratings: list[Any]
    users: Mapping[int, Any]
    claims: Mapping[str, int]
    objects: set[str]


def half_written(stored: Stored, logged_orphans: Iterable[str] = ()) -> list[str]:
    """What is inconsistent in the stored data, as sentences; empty when nothing is.

    - every image object is named by a record, and every named object exists;
    - every username and email claim points to the user who holds that name, and every
      user holds both of theirs;
    - each category's ``product_count`` is the number of its products;
    - each product's ``rating_sum`` and ``rating_count`` are those of its ratings;
    - each product's stock plus what live orders hold of it is the stock it started with.

    ``logged_orphans``: objects whose deletion failed after the record stopped naming
    them, which the log names (docs/architecture.md, "Images": nothing sweeps those yet).
    """
    problems: list[str] = []
    named = {r.image_key for r in [*stored.categories, *stored.products] if r.image_key}
    named |= {item.product_image_key for order in stored.orders for item in order.items}
    named.discard(None)
    objects = stored.objects - set(logged_orphans)
    if objects - named:
        problems.append(f"objects no record names: {sorted(objects - named)}")
    if named - objects:
        problems.append(f"records name missing objects: {sorted(named - objects)}")

    users = stored.users
    for key, user_id in stored.claims.items():
        user = users.get(user_id)
        if user is None:
            problems.append(f"claim {key} points to user {user_id}, who does not exist")
        elif key not in (f"username#{user.username.casefold()}", f"email#{user.email.casefold()}"):
            problems.append(f"claim {key} points to user {user_id}, who has another name")
    for user in users.values():
        for key in (f"username#{user.username.casefold()}", f"email#{user.email.casefold()}"):
            if stored.claims.get(key) != user.id:
                problems.append(f"user {user.id} does not hold its claim {key}")

    for category in stored.categories:
        count = sum(1 for product in stored.products if product.category_id == category.id)
        if category.product_count != count:
            problems.append(f"category {category.id} counts {category.product_count}, has {count}")

    for product in stored.products:
        of_product = [r.rating for r in stored.ratings if r.product_id == product.id]
        if (product.rating_sum, product.rating_count) != (sum(of_product), len(of_product)):
            problems.append(
                f"product {product.id} counts {product.rating_sum}/{product.rating_count}, "
                f"its ratings {sum(of_product)}/{len(of_product)}"
            )
        ordered = sum(
            item.quantity
            for order in stored.orders
            if order.status != "Cancelled"
            for item in order.items
            if item.product_id == product.id
        )
        if product.stock + ordered != INITIAL_STOCK:
            problems.append(f"product {product.id}: stock {product.stock} + ordered {ordered}")
    return problems


def left_behind(stored: Stored) -> list[str]:
    """What a deletion left behind once the client repeated a request answered 503, as
    the contract tells it to: ratings whose product or author is gone. (Between the 503
    and the repeat they may remain: the sweeps come after the record's own delete.)"""
    products = {product.id for product in stored.products}
    return [
        f"rating {rating.id} of a deleted {'user' if rating.product_id in products else 'product'}"
        for rating in stored.ratings
        if rating.product_id not in products or rating.user_id not in stored.users
    ]


def answered_by_the_contract(reply: Reply) -> bool:
    """A success, or the contract's 503: a ``Retry-After`` and a ``detail``."""
    if reply.status == 503:
        return "Retry-After" in reply.headers and "detail" in reply.body
    return 200 <= reply.status < 300
