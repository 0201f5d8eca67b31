"""A rename is copied onto every product of the category (lists show ``category_name``
without reading the category). However the copy is cut off or raced, every product ends
with the category's current name: repeating a request finishes a copy a timeout stopped,
and a copy of an older rename never overwrites a newer one."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from chalicelib.domain.catalog import CategoryChanges, NewProduct
from chalicelib.domain.entities import Category, Product, User
from chalicelib.services import catalog

Concurrently = Callable[[Sequence[Callable[[], Any]]], list[Any]]
PRODUCTS = 12
RENAMES = 6


def products_of(category: Category, count: int) -> list[Product]:
    return [
        catalog.create_product(
            NewProduct(name=f"Product {n}", price=Decimal(n), category_id=category.id)
        )
        for n in range(count)
    ]


def names_shown(products: list[Product]) -> set[str]:
    return {catalog.get_product(product.id).category_name for product in products}


def test_repeating_a_rename_whose_copy_was_cut_off_finishes_the_copy(
    staff_user: User, jackets_category: Category
) -> None:
    from chalicelib.store.models.catalog import ProductRecord
    from chalicelib.store.unit_of_work import leaving_version_alone

    products = products_of(jackets_category, 3)
    catalog.update_category(jackets_category.id, CategoryChanges(name="Coats"))
    # As a copy stopped by a timeout leaves it: a product still shows the old name.
    stale = leaving_version_alone(ProductRecord(products[-1].id))
    stale.update(actions=[ProductRecord.category_name.set(jackets_category.name)])

    catalog.update_category(jackets_category.id, CategoryChanges(name="Coats"))

    assert names_shown(products) == {"Coats"}


def test_concurrent_renames_leave_every_product_with_the_final_name(
    staff_user: User, jackets_category: Category, concurrently: Concurrently
) -> None:
    products = products_of(jackets_category, PRODUCTS)

    def rename(number: int) -> Callable[[], Category]:
        return lambda: catalog.update_category(
            jackets_category.id, CategoryChanges(name=f"Name {number}")
        )

    results = concurrently([rename(number) for number in range(RENAMES)])

    assert [result for result in results if isinstance(result, Exception)] == []
    assert names_shown(products) == {catalog.get_category(jackets_category.id).name}


def test_the_late_copy_of_an_older_rename_leaves_the_newer_name(
    staff_user: User, jackets_category: Category
) -> None:
    from chalicelib.store import categories

    products = products_of(jackets_category, 3)
    older = catalog.update_category(jackets_category.id, CategoryChanges(name="Coats"))
    catalog.update_category(jackets_category.id, CategoryChanges(name="Parkas"))

    categories.copy_name_to_products(older)  # as the older rename's copy, running late

    assert names_shown(products) == {"Parkas"}
