"""Staff edits of products, categories and orders are written on the version they read:
an edit based on a stale read is refused by the store and, through the use case, read
again and applied again, so no concurrent edit is lost. Sales and ratings move counters on
the product without its version: they never conflict with an edit."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest
from helpers import order_one

from chalicelib.domain.catalog import CategoryChanges, NewProduct, ProductChanges
from chalicelib.domain.entities import Category, Product, User
from chalicelib.domain.orders import OrderChanges, OrderStatus
from chalicelib.domain.storage import WriteConflict
from chalicelib.services import catalog
from chalicelib.services import orders as order_service
from chalicelib.store import categories, orders, products

Concurrently = Callable[[Sequence[Callable[[], Any]]], list[Any]]


def edit_lands_right_after_the_first_read(
    monkeypatch: pytest.MonkeyPatch, store: ModuleType, reader: str, edit: Callable[[], Any]
) -> None:
    """The next read through ``store.<reader>`` is followed at once by ``edit``: the
    interleaving of two requests where the second one's write lands between the first
    one's read and its write."""
    read = getattr(store, reader)
    pending = [edit]

    def read_then_someone_edits(*args: Any) -> Any:
        found = read(*args)
        while pending:
            pending.pop()()
        return found

    monkeypatch.setattr(store, reader, read_then_someone_edits)


def test_a_product_edit_from_a_stale_read_is_refused(parka: Product) -> None:
    stale = products.get_product(parka.id)
    catalog.update_product(parka.id, ProductChanges(name="Anorak"))

    with pytest.raises(WriteConflict):
        products.update_product(replace(stale, description="Warm"), stale)
    assert catalog.get_product(parka.id).name == "Anorak"


def test_a_product_edit_is_not_lost_to_one_that_lands_after_its_read(
    parka: Product, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit_lands_right_after_the_first_read(
        monkeypatch,
        products,
        "get_product",
        lambda: catalog.update_product(parka.id, ProductChanges(name="Anorak")),
    )

    catalog.update_product(parka.id, ProductChanges(description="Warm"))

    stored = catalog.get_product(parka.id)
    assert (stored.name, stored.description) == ("Anorak", "Warm")


def test_concurrent_edits_of_different_product_fields_all_land(
    parka: Product, concurrently: Concurrently
) -> None:
    edits = [
        ProductChanges(name="Anorak"),
        ProductChanges(description="Warm"),
        ProductChanges(price=Decimal("120.00")),
        ProductChanges(color="Red"),
        ProductChanges(size="XL"),
    ]

    results = concurrently(
        [lambda changes=changes: catalog.update_product(parka.id, changes) for changes in edits]
    )

    assert all(isinstance(result, Product) for result in results)
    stored = catalog.get_product(parka.id)
    assert (stored.name, stored.description, stored.price, stored.color, stored.size) == (
        "Anorak",
        "Warm",
        Decimal("120.00"),
        "Red",
        "XL",
    )


def test_checkouts_racing_a_staff_edit_are_not_refused_and_do_not_undo_it(
    parka: Product, shopper_user: User, concurrently: Concurrently
) -> None:
    results = concurrently(
        [
            lambda: order_one(shopper_user, parka),
            lambda: order_one(shopper_user, parka),
            lambda: catalog.update_product(parka.id, ProductChanges(name="Anorak")),
            lambda: order_one(shopper_user, parka),
        ]
    )

    assert [type(result) for result in results] == [int, int, Product, int]
    stored = catalog.get_product(parka.id)
    assert (stored.name, stored.stock) == ("Anorak", 7)


def test_a_sale_leaves_the_product_version_alone(parka: Product, shopper_user: User) -> None:
    before = products.get_product(parka.id)
    order_one(shopper_user, parka)

    after = products.get_product(parka.id)
    assert (after.stock, after.version) == (before.stock - 1, before.version)


def test_a_category_edit_from_a_stale_read_is_refused(jackets_category: Category) -> None:
    stale = categories.get_category(jackets_category.id)
    catalog.update_category(jackets_category.id, CategoryChanges(name="Coats"))

    with pytest.raises(WriteConflict):
        categories.update_category(replace(stale, name="Parkas"), stale)
    assert catalog.get_category(jackets_category.id).name == "Coats"


def test_a_category_rename_based_on_a_stale_read_reads_again_and_lands(
    jackets_category: Category, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit_lands_right_after_the_first_read(
        monkeypatch,
        categories,
        "get_category",
        lambda: catalog.update_category(jackets_category.id, CategoryChanges(name="Coats")),
    )

    renamed = catalog.update_category(jackets_category.id, CategoryChanges(name="Parkas"))

    assert renamed.name == catalog.get_category(jackets_category.id).name == "Parkas"


def test_a_new_product_in_a_category_leaves_the_category_version_alone(
    staff_user: User, jackets_category: Category
) -> None:
    before = categories.get_category(jackets_category.id)
    new = NewProduct(name="Parka", price=Decimal("99.00"), category_id=jackets_category.id)
    catalog.create_product(new)

    after = categories.get_category(jackets_category.id)
    assert (after.product_count, after.version) == (before.product_count + 1, before.version)


def test_an_order_change_from_a_stale_read_is_refused(
    parka: Product, shopper_user: User, staff_user: User
) -> None:
    order_id = order_one(shopper_user, parka)
    stale = orders.get_order(order_id)
    order_service.update_order(shopper_user, order_id, OrderChanges(shipping_address="2 Side St"))

    with pytest.raises(WriteConflict):
        orders.update_order(stale, shipping_address="3 Back St")
    assert orders.get_order(order_id).shipping_address == "2 Side St"


def test_an_address_change_is_not_lost_to_a_status_change_landing_after_its_read(
    parka: Product, shopper_user: User, staff_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    order_id = order_one(shopper_user, parka)
    edit_lands_right_after_the_first_read(
        monkeypatch,
        orders,
        "get_order",
        lambda: order_service.update_order(
            staff_user, order_id, OrderChanges(status=OrderStatus.PROCESSING)
        ),
    )

    order_service.update_order(shopper_user, order_id, OrderChanges(shipping_address="2 Side St"))

    stored = orders.get_order(order_id)
    assert (stored.status, stored.shipping_address) == (OrderStatus.PROCESSING, "2 Side St")


def test_concurrent_changes_of_one_order_all_land(
    parka: Product, shopper_user: User, staff_user: User, concurrently: Concurrently
) -> None:
    order_id = order_one(shopper_user, parka)

    results = concurrently(
        [
            lambda: order_service.update_order(
                staff_user, order_id, OrderChanges(status=OrderStatus.PROCESSING)
            ),
            lambda: order_service.update_order(
                staff_user, order_id, OrderChanges(shipping_address="2 Side St")
            ),
        ]
    )

    assert not [result for result in results if isinstance(result, Exception)]
    stored = orders.get_order(order_id)
    assert (stored.status, stored.shipping_address) == (OrderStatus.PROCESSING, "2 Side St")
