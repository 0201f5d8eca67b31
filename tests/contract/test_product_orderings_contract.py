"""The product list's orderings where the index keys are hardest to get right, held equal
in both stores: equal prices, names equal but for their case, names where one begins
another; every ordering pages through every product once, in its order, ties broken by
id. (The use case's lists over such a catalog run on the in-memory store alone,
tests/services/test_product_listing.py; this keeps DynamoDB's keys behind them.)"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from catalog_records import a_category, a_product, written_once
from helpers import expected_order

from chalicelib.domain.catalog import ProductQuery
from chalicelib.domain.entities import Product

# (name, price): equal prices, names differing only in case, names that begin others.
CATALOG = [
    ("Rain Jacket", "19.99"),
    ("jacket", "10.00"),
    ("Jacket blue", "10.00"),
    ("Wool Scarf", "4.50"),
    ("Boots", "54.00"),
    ("JACKET", "20.00"),
    ("Anorak", "20.01"),
    ("boots", "9.99"),
    ("Cap", "0.00"),
    ("Jacket!", "10.00"),
]
ORDERINGS = ["created_at", "-created_at", "price", "-price", "name", "-name", None]


def write_catalog(store: Any) -> list[Product]:
    """The catalog, every other product in a second category."""
    first, second = a_category(store, "Jackets"), a_category(store, "Other")
    return [
        a_product(store, first if number % 2 == 0 else second, name, price=Decimal(price))
        for number, (name, price) in enumerate(CATALOG)
    ]


@pytest.fixture
def catalog(
    backend: Any, request: pytest.FixtureRequest, saved_emulator_catalog: dict[str, Any]
) -> list[Product]:
    return written_once(
        request.node.callspec.params["backend"],
        saved_emulator_catalog,
        lambda: write_catalog(backend),
    )


def every_page(store: Any, query: ProductQuery) -> list[int]:
    """The ids of every product of the list, page after page."""
    found: list[int] = []
    for _ in range(50):
        page = store.products.list_products(query)
        assert len(page.items) <= query.limit
        found += [product.id for product in page.items]
        if page.next_cursor is None:
            return found
        query = ProductQuery(**{**vars(query), "cursor": page.next_cursor})
    raise AssertionError("the pages never end")


@pytest.mark.parametrize("ordering", ORDERINGS)
def test_the_catalog_pages_through_every_product_once_in_order(
    backend: Any, catalog: list[Product], ordering: str | None
) -> None:
    listed = every_page(backend, ProductQuery(limit=3, ordering=ordering))

    assert listed == expected_order(catalog, ordering)


@pytest.mark.parametrize("ordering", ORDERINGS)
def test_a_category_pages_through_its_products_once_in_order(
    backend: Any, catalog: list[Product], ordering: str | None
) -> None:
    category_id = catalog[0].category_id
    own = [product for product in catalog if product.category_id == category_id]

    listed = every_page(backend, ProductQuery(limit=3, ordering=ordering, category_id=category_id))

    assert listed == expected_order(own, ordering)
