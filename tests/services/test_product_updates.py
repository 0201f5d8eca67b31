"""Product updates write the catalog fields they change, and leave the rest to others."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from chalicelib.domain.catalog import NewProduct, ProductChanges, ProductQuery
from chalicelib.domain.entities import Category, Product, User
from chalicelib.errors import NotFound
from chalicelib.services import catalog
from chalicelib.services.storage import store


def test_an_update_sets_the_fields_it_changes(staff_user: User, parka: Product) -> None:
    catalog.update_product(parka.id, ProductChanges(name="Long parka", price=Decimal("120.50")))

    stored = catalog.get_product(parka.id)
    assert (stored.name, stored.price, stored.stock) == ("Long parka", Decimal("120.50"), 10)


def test_an_update_of_the_stock_sets_the_stock(staff_user: User, parka: Product) -> None:
    catalog.update_product(parka.id, ProductChanges(stock=25))

    assert catalog.get_product(parka.id).stock == 25


def test_an_update_keeps_a_stock_change_made_since_it_read_the_product(
    staff_user: User, parka: Product
) -> None:
    read_before_the_sale = store.products.get_product(parka.id)
    catalog.update_product(parka.id, ProductChanges(stock=7))

    store.products.update_product(
        replace(read_before_the_sale, name="Long parka"), read_before_the_sale
    )

    stored = catalog.get_product(parka.id)
    assert (stored.name, stored.stock) == ("Long parka", 7)


def test_an_update_leaves_the_ratings_to_the_rating_writes(
    staff_user: User, parka: Product
) -> None:
    rated = replace(parka, rating_sum=9, rating_count=2)
    store.products.update_product(replace(rated, name="Rated"), parka)

    assert catalog.get_product(parka.id).rating_count == 0


def test_a_renamed_product_is_listed_under_its_new_name(staff_user: User, parka: Product) -> None:
    catalog.update_product(parka.id, ProductChanges(name="Anorak"))

    listed = catalog.list_products(ProductQuery(limit=5, ordering="name", search="anorak"))
    assert [product.name for product in listed.items] == ["Anorak"]


def test_a_repriced_product_moves_in_the_price_order(
    staff_user: User, jackets_category: Category, parka: Product
) -> None:
    cheap = catalog.create_product(
        NewProduct(name="Cap", price=Decimal("5.00"), category_id=jackets_category.id)
    )
    catalog.update_product(parka.id, ProductChanges(price=Decimal("1.00")))

    listed = catalog.list_products(ProductQuery(limit=5, ordering="price"))
    assert [product.id for product in listed.items] == [parka.id, cheap.id]


def test_updating_a_deleted_product_is_not_found(staff_user: User, parka: Product) -> None:
    store.products.delete_product(parka)

    with pytest.raises(NotFound):
        store.products.update_product(replace(parka, name="Ghost"), parka)
