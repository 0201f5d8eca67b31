"""Faults at every step: each multi-step use case, with each of its AWS calls failing in
turn, answers as the contract says and leaves nothing half-written.

For every use case the test first counts the DynamoDB and S3 calls it makes, then runs it
again from the same starting data once per step and fault, with that step failing
(``faults.py``). Every answer must be a success (botocore's retry, or the use case's own,
got through) or the contract's 503 with ``Retry-After``; and afterwards:

- every object in the bucket is named by a record, and every named object exists;
- every username and email claim points to the user who holds that name, and every user
  holds both of theirs;
- each category's ``product_count`` is the number of its products;
- each product's ``rating_sum`` and ``rating_count`` are those of its ratings;
- each product's stock plus what live orders hold of it is the stock it started with.

Most steps get one fault that is refused before it reaches AWS (the kinds take turns over
the steps) and one whose answer is lost after AWS applied it; checkout, the use case with
the most at stake, gets every kind at every step, also as a fault of the first attempt
only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from chalice.test import Client
from emptied import empty_store, saved_store
from faults import ANSWER_LOST, EVERY_FAULT, Fault, FaultInjector, aws_faults, once
from helpers import PASSWORD, Api, Reply, login, signup
from sample_images import multipart, png

__all__ = ["aws_faults"]  # the fixture, used by name

INITIAL_STOCK = 5
WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"} | {
    "PutObject",
    "DeleteObject",
}


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
    return reply.body  # type: ignore[no-any-return]


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
    every_fault: bool = False  # else one refused fault per step, the kinds taking turns

    def __str__(self) -> str:
        return self.name


USE_CASES = [
    UseCase("checkout", prepare_checkout, checkout, every_fault=True),
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


def stored_objects() -> set[str]:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends

    from chalicelib.config import get_settings

    bucket = s3_backends[DEFAULT_ACCOUNT_ID]["aws"].buckets[get_settings().media_bucket]
    return set(bucket.keys)


def nothing_half_written(logged_orphan: str | None = None) -> list[str]:
    """What is inconsistent in the stored data, as sentences; empty when nothing is.
    ``logged_orphan``: an object whose deletion failed after the record stopped naming it,
    which the log names (docs/architecture.md, "Images": nothing sweeps those yet)."""
    from chalicelib.store.models import (
        CategoryRecord,
        LookupRecord,
        OrderRecord,
        ProductRecord,
        RatingRecord,
        UserRecord,
    )

    problems: list[str] = []
    categories = list(CategoryRecord.scan())
    products = list(ProductRecord.scan())
    orders = list(OrderRecord.scan())
    ratings = list(RatingRecord.scan())
    users = {user.id: user for user in UserRecord.scan()}
    claims = {
        lookup.key: lookup.user_id
        for lookup in LookupRecord.scan()
        if lookup.key.startswith(("username#", "email#"))
    }

    named = {record.image_key for record in [*categories, *products] if record.image_key}
    named |= {item.product_image_key for order in orders for item in order.items}
    named.discard(None)
    objects = stored_objects() - {logged_orphan}
    if objects - named:
        problems.append(f"objects no record names: {sorted(objects - named)}")
    if named - objects:
        problems.append(f"records name missing objects: {sorted(named - objects)}")  # type: ignore[type-var]

    for key, user_id in claims.items():
        user = users.get(user_id)  # type: ignore[arg-type]
        if user is None:
            problems.append(f"claim {key} points to user {user_id}, who does not exist")
        elif key not in (f"username#{user.username.casefold()}", f"email#{user.email.casefold()}"):
            problems.append(f"claim {key} points to user {user_id}, who has another name")
    for user in users.values():
        for key in (f"username#{user.username.casefold()}", f"email#{user.email.casefold()}"):
            if claims.get(key) != user.id:
                problems.append(f"user {user.id} does not hold its claim {key}")

    for category in categories:
        count = sum(1 for product in products if product.category_id == category.id)
        if category.product_count != count:
            problems.append(f"category {category.id} counts {category.product_count}, has {count}")

    for product in products:
        of_product = [r.rating for r in ratings if r.product_id == product.id]
        if (product.rating_sum, product.rating_count) != (sum(of_product), len(of_product)):
            problems.append(
                f"product {product.id} counts {product.rating_sum}/{product.rating_count}, "
                f"its ratings {sum(of_product)}/{len(of_product)}"
            )
        ordered = sum(
            item.quantity
            for order in orders
            if order.status != "Cancelled"
            for item in order.items
            if item.product_id == product.id
        )
        if product.stock + ordered != INITIAL_STOCK:
            problems.append(f"product {product.id}: stock {product.stock} + ordered {ordered}")
    return problems


# --- the runs ------------------------------------------------------------------------------


@pytest.fixture
def prepared(emulator: Any, aws_faults: FaultInjector) -> Iterator[Callable[[UseCase], Shop]]:
    """A function that prepares a use case's data from empty tables and bucket, and saves
    it: ``shop.restore()`` puts it back before each run."""
    from app import app

    with Client(app, stage_name="test") as client:

        def prepare(use_case: UseCase) -> Shop:
            empty_store(emulator)
            shop = open_shop(Api(client))
            use_case.prepare(shop)
            shop.restore = saved_store()
            return shop

        yield prepare


def faults_of_step(use_case: UseCase, number: int, service: str, operation: str) -> list[Fault]:
    fitting = [fault for fault in EVERY_FAULT if fault.hits(service, operation)]
    if use_case.every_fault:
        # A read that botocore retried changes nothing, so only writes fail once.
        retried_by_botocore = [once(fault) for fault in fitting] if operation in WRITES else []
        return fitting + retried_by_botocore
    refused = [fault for fault in fitting if not fault.reached]
    return [refused[number % len(refused)], ANSWER_LOST]


def answered_by_the_contract(reply: Reply) -> bool:
    if reply.status == 503:
        return "Retry-After" in reply.headers and "detail" in reply.body
    return 200 <= reply.status < 300


@pytest.mark.parametrize("use_case", USE_CASES, ids=str)
def test_a_fault_at_any_step_is_answered_by_the_contract_and_leaves_nothing_half_written(
    use_case: UseCase,
    prepared: Callable[[UseCase], Shop],
    aws_faults: FaultInjector,
    caplog: pytest.LogCaptureFixture,
) -> None:
    shop = prepared(use_case)
    with aws_faults.counting() as steps:
        reply = use_case.run(shop)
    assert 200 <= reply.status < 300, reply.body
    assert nothing_half_written() == []
    assert steps, "the use case made no AWS call"

    failures, unavailable = [], 0
    for step in list(steps):
        for fault in faults_of_step(use_case, step.number, step.service, step.operation):
            shop.restore()
            caplog.clear()
            with aws_faults.failing(step.number, fault):
                reply = use_case.run(shop)
            assert aws_faults.fired, f"{fault} at {step} never fired: the calls changed"
            logged = f"could not delete orphaned image {step.object_key}"
            is_logged = step.operation == "DeleteObject" and logged in caplog.text
            problems = nothing_half_written(step.object_key if is_logged else None)
            if not answered_by_the_contract(reply):
                problems.append(f"answered {reply.status} {reply.body}")
            if problems:
                failures.append(f"{fault} at {step}: {'; '.join(problems)}")
            unavailable += reply.status == 503
    assert not failures, "\n".join(failures)
    assert unavailable, "no fault reached the caller: are they injected?"
