"""Creating products while their category is renamed, on threads against the emulator:
every create of an existing category succeeds, and no product keeps an old name."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from chalicelib.domain.catalog import CategoryChanges, NewProduct
from chalicelib.domain.entities import Category, Product, User
from chalicelib.services import catalog

Concurrently = Callable[[Sequence[Callable[[], Any]]], list[Any]]
CREATES = 8
RENAMES = 12


def create_in(staff: User, category: Category, number: int) -> Callable[[], Product]:
    fields = NewProduct(name=f"Product {number}", price=Decimal(number), category_id=category.id)
    return lambda: catalog.create_product(fields)


def renames(staff: User, category: Category) -> Callable[[], None]:
    """One after another: concurrent renames of one category are another race."""

    def run() -> None:
        for number in range(RENAMES):
            catalog.update_category(category.id, CategoryChanges(name=f"Jackets {number}"))

    return run


def test_creates_succeed_while_their_category_is_renamed(
    staff_user: User, jackets_category: Category, concurrently: Concurrently
) -> None:
    calls = [create_in(staff_user, jackets_category, n) for n in range(CREATES)]
    calls.append(renames(staff_user, jackets_category))

    results = concurrently(calls)

    failures = [result for result in results if isinstance(result, Exception)]
    assert failures == []


def test_products_created_during_renames_carry_the_final_name(
    staff_user: User, jackets_category: Category, concurrently: Concurrently
) -> None:
    calls = [create_in(staff_user, jackets_category, n) for n in range(CREATES)]
    calls.append(renames(staff_user, jackets_category))
    results = concurrently(calls)
    created = [result for result in results if isinstance(result, Product)]

    final_name = catalog.get_category(jackets_category.id).name
    names = {catalog.get_product(product.id).category_name for product in created}
    assert names == {final_name}
