"""The color and size filters ignore case, read from their own indexes."""

from __future__ import annotations

from decimal import Decimal

from chalicelib.domain.catalog import NewProduct, ProductChanges, ProductQuery
from chalicelib.domain.entities import Category, Product, User
from chalicelib.services import catalog
from chalicelib.store.models.catalog import ProductRecord
from chalicelib.store.products import backfill_filter_keys
from chalicelib.store.unit_of_work import leaving_version_alone


def create(staff: User, category: Category, name: str, **fields: str) -> Product:
    return catalog.create_product(
        NewProduct(name=name, price=Decimal(1), category_id=category.id, **fields)
    )


def names(**filters: object) -> list[str]:
    page = catalog.list_products(ProductQuery(limit=20, **filters))  # type: ignore[arg-type]
    return [product.name for product in page.items]


def test_the_color_filter_ignores_case(staff_user: User, jackets_category: Category) -> None:
    create(staff_user, jackets_category, "Sky", color="Blue")
    create(staff_user, jackets_category, "Navy", color="BLUE")
    create(staff_user, jackets_category, "Rose", color="Red")

    assert names(color="blue") == ["Sky", "Navy"]


def test_the_size_filter_ignores_case(staff_user: User, jackets_category: Category) -> None:
    create(staff_user, jackets_category, "Big", size="XL")
    create(staff_user, jackets_category, "Small", size="s")

    assert names(size="xl") == ["Big"]
    assert names(size="S") == ["Small"]


def test_a_product_whose_color_is_cleared_leaves_the_color_list(
    staff_user: User, jackets_category: Category
) -> None:
    product = create(staff_user, jackets_category, "Sky", color="Blue")

    catalog.update_product(product.id, ProductChanges(color=""))

    assert names(color="blue") == []


def test_a_recolored_product_is_found_by_its_new_color(
    staff_user: User, jackets_category: Category
) -> None:
    product = create(staff_user, jackets_category, "Sky", color="Blue")

    catalog.update_product(product.id, ProductChanges(color="Green"))

    assert (names(color="blue"), names(color="GREEN")) == ([], ["Sky"])


def test_a_category_list_filtered_by_color_keeps_to_the_category(
    staff_user: User, jackets_category: Category
) -> None:
    other = catalog.create_category("Boots")
    create(staff_user, jackets_category, "Sky", color="Blue")
    create(staff_user, other, "Blue Boot", color="Blue")

    assert names(color="Blue", category_id=other.id) == ["Blue Boot"]


def test_the_backfill_puts_products_written_before_the_indexes_into_them(
    staff_user: User, jackets_category: Category
) -> None:
    product = create(staff_user, jackets_category, "Sky", color="Blue", size="XL")
    leaving_version_alone(ProductRecord(product.id)).update(
        actions=[ProductRecord.color_key.remove(), ProductRecord.size_key.remove()]
    )

    assert (backfill_filter_keys(), backfill_filter_keys()) == (1, 0)
    assert (names(color="blue"), names(size="xl")) == (["Sky"], ["Sky"])
