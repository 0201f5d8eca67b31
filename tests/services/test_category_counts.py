"""A category's product count is exact, so that deleting a category with products can be
refused by a condition rather than a query."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from chalicelib.domain.catalog import NewProduct, ProductChanges
from chalicelib.domain.entities import Category, Product, User
from chalicelib.errors import Conflict, InvalidInput, NotFound
from chalicelib.services import catalog
from chalicelib.services.storage import store


def add_product(staff: User, category: Category, name: str = "Parka") -> Product:
    fields = NewProduct(name=name, price=Decimal("99.00"), stock=3, category_id=category.id)
    return catalog.create_product(fields)


def count_of(category: Category) -> int:
    return store.categories.get_category(category.id).product_count


@pytest.fixture
def other(staff_user: User) -> Category:
    return catalog.create_category("Shoes")


def test_a_new_category_has_no_products(jackets_category: Category) -> None:
    assert count_of(jackets_category) == 0


def test_creating_products_counts_them(staff_user: User, jackets_category: Category) -> None:
    for name in ("Parka", "Anorak", "Poncho"):
        add_product(staff_user, jackets_category, name)

    assert count_of(jackets_category) == 3


def test_a_product_for_an_unknown_category_is_refused_on_category(staff_user: User) -> None:
    with pytest.raises(InvalidInput) as refused:
        catalog.create_product(NewProduct(name="Parka", price=Decimal(1), category_id=99))

    assert set(refused.value.errors) == {"category"}


def test_moving_a_product_moves_its_count(
    staff_user: User, jackets_category: Category, other: Category
) -> None:
    product = add_product(staff_user, jackets_category)

    catalog.update_product(product.id, ProductChanges(category_id=other.id))

    assert (count_of(jackets_category), count_of(other)) == (0, 1)


def test_moving_a_product_copies_the_new_category_name(
    staff_user: User, jackets_category: Category, other: Category
) -> None:
    product = add_product(staff_user, jackets_category)

    moved = catalog.update_product(product.id, ProductChanges(category_id=other.id))

    assert (moved.category_id, moved.category_name) == (other.id, "Shoes")


def test_an_update_within_a_category_keeps_the_count(
    staff_user: User, jackets_category: Category
) -> None:
    product = add_product(staff_user, jackets_category)

    catalog.update_product(
        product.id, ProductChanges(name="Long parka", category_id=jackets_category.id)
    )

    assert count_of(jackets_category) == 1


def test_moving_to_an_unknown_category_is_refused_and_changes_nothing(
    staff_user: User, jackets_category: Category
) -> None:
    product = add_product(staff_user, jackets_category)

    with pytest.raises(InvalidInput):
        catalog.update_product(product.id, ProductChanges(category_id=99))

    assert count_of(jackets_category) == 1
    assert catalog.get_product(product.id).category_id == jackets_category.id


def test_deleting_a_product_uncounts_it(staff_user: User, jackets_category: Category) -> None:
    product = add_product(staff_user, jackets_category)

    catalog.delete_product(product.id)

    assert count_of(jackets_category) == 0


def test_deleting_a_category_with_products_is_a_conflict(
    staff_user: User, jackets_category: Category
) -> None:
    add_product(staff_user, jackets_category)

    with pytest.raises(Conflict):
        catalog.delete_category(jackets_category.id)
    assert store.categories.get_category(jackets_category.id).name == "Jackets"


def test_a_category_can_be_deleted_once_its_products_are_gone(
    staff_user: User, jackets_category: Category
) -> None:
    product = add_product(staff_user, jackets_category)
    catalog.delete_product(product.id)

    catalog.delete_category(jackets_category.id)

    with pytest.raises(NotFound):
        store.categories.get_category(jackets_category.id)


def test_a_category_can_be_deleted_once_its_products_moved_away(
    staff_user: User, jackets_category: Category, other: Category
) -> None:
    product = add_product(staff_user, jackets_category)
    catalog.update_product(product.id, ProductChanges(category_id=other.id))

    catalog.delete_category(jackets_category.id)

    with pytest.raises(Conflict):
        catalog.delete_category(other.id)


def test_deleting_an_unknown_category_is_not_found(staff_user: User) -> None:
    with pytest.raises(NotFound):
        catalog.delete_category(99)


def test_a_move_based_on_a_stale_read_keeps_the_counts_exact(
    staff_user: User, jackets_category: Category, other: Category
) -> None:
    third = catalog.create_category("Hats")
    seen_by_both = add_product(staff_user, jackets_category)
    store.products.update_product(
        replace(seen_by_both, category_id=other.id, category_name=other.name), seen_by_both
    )

    with pytest.raises(Conflict):
        store.products.update_product(
            replace(seen_by_both, category_id=third.id, category_name=third.name), seen_by_both
        )

    assert [count_of(each) for each in (jackets_category, other, third)] == [0, 1, 0]


def test_a_delete_based_on_a_stale_read_keeps_the_counts_exact(
    staff_user: User, jackets_category: Category, other: Category
) -> None:
    seen_before_the_move = add_product(staff_user, jackets_category)
    catalog.update_product(seen_before_the_move.id, ProductChanges(category_id=other.id))

    with pytest.raises(Conflict):
        store.products.delete_product(seen_before_the_move)

    assert (count_of(jackets_category), count_of(other)) == (0, 1)


def test_deleting_a_product_twice_is_not_found(
    staff_user: User, jackets_category: Category
) -> None:
    product = add_product(staff_user, jackets_category)
    store.products.delete_product(product)

    with pytest.raises(NotFound):
        store.products.delete_product(product)
    assert count_of(jackets_category) == 0
