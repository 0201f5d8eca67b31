"""Orders keep working image URLs forever, and the bucket keeps no object that nothing
names: an image an order copied survives its product's image change and deletion, one no
order copied goes with them, also when checkouts and image changes run at once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import pytest
from helpers import bucket_keys, order_one
from sample_images import png

from chalicelib.domain.catalog import NewProduct, ProductChanges
from chalicelib.domain.entities import Category, Product, User
from chalicelib.domain.images import ImageChange, ImageUpload
from chalicelib.errors import Conflict
from chalicelib.services import catalog
from chalicelib.store import orders as order_store

Concurrently = Callable[[Sequence[Callable[[], Any]]], list[Any]]


def new_image() -> ImageChange:
    return ImageChange(upload=ImageUpload("parka.png", png()))


def images_of_orders(order_ids: list[int]) -> set[str]:
    return {
        item.product_image_key
        for order_id in order_ids
        for item in order_store.get_order(order_id).items
        if item.product_image_key
    }


@pytest.fixture
def parka_with_image(staff_user: User, jackets_category: Category) -> Product:
    """A parka with an image, 50 in stock (the shared ``parka`` has no image)."""
    fields = NewProduct(
        name="Parka", price=Decimal("99.00"), category_id=jackets_category.id, stock=50
    )
    return catalog.create_product(fields, ImageUpload("parka.png", png()))


def test_an_ordered_image_survives_the_product_getting_a_new_one(
    staff_user: User, shopper_user: User, parka_with_image: Product
) -> None:
    order_id = order_one(shopper_user, parka_with_image)

    updated = catalog.update_product(parka_with_image.id, ProductChanges(), new_image())

    assert set(bucket_keys()) == {parka_with_image.image_key, updated.image_key}
    assert images_of_orders([order_id]) == {parka_with_image.image_key}


def test_an_image_no_order_copied_is_deleted_when_replaced(
    staff_user: User, parka_with_image: Product
) -> None:
    updated = catalog.update_product(parka_with_image.id, ProductChanges(), new_image())

    assert set(bucket_keys()) == {updated.image_key}


def test_an_ordered_image_survives_the_product_being_deleted(
    staff_user: User, shopper_user: User, parka_with_image: Product
) -> None:
    order_id = order_one(shopper_user, parka_with_image)

    catalog.delete_product(parka_with_image.id)

    assert set(bucket_keys()) == {parka_with_image.image_key} == images_of_orders([order_id])


def test_checkouts_racing_image_changes_leave_every_order_image_and_no_orphan(
    staff_user: User, shopper_user: User, parka_with_image: Product, concurrently: Concurrently
) -> None:
    calls: list[Callable[[], Any]] = []
    for _ in range(4):
        calls.append(lambda: order_one(shopper_user, parka_with_image))
        calls.append(
            lambda: catalog.update_product(parka_with_image.id, ProductChanges(), new_image())
        )

    results = concurrently(calls)

    order_ids = [result for result in results if isinstance(result, int)]
    assert len(order_ids) == 4
    # Two replacements of one image at once: one of them is told to retry (409).
    assert all(isinstance(result, (int, Product, Conflict)) for result in results)
    shown = images_of_orders(order_ids) | {catalog.get_product(parka_with_image.id).image_key}
    assert set(bucket_keys()) == shown
