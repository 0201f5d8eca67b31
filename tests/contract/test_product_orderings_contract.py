"""The product list's orderings where the index keys are hardest to get right, held equal
in both stores: equal prices, names equal but for their case, names where one begins
another; every ordering pages through every product once, in its order, ties broken by
id. (The use case's lists over such a catalog run on the in-memory store alone,
tests/services/test_product_listing.py; this keeps DynamoDB's keys behind them.)"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from catalog_records import a_category, a_product

from chalicelib.domain.catalog import ProductQuery
from chalicelib.domain.entities import Product
from chalicelib.services.storage import DYNAMODB

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


@pytest.fixture(scope="module")
def saved_emulator_catalog() -> dict[str, Any]:
    """The catalog as first written to the emulator, and how to put it back."""
    return {}


@pytest.fixture
def catalog(
    backend: Any, request: pytest.FixtureRequest, saved_emulator_catalog: dict[str, Any]
) -> list[Product]:
    """The tests only read the catalog: the emulator's is written once per module and put
    back for each test; the in-memory store writes it in microseconds."""
    if request.node.callspec.params["backend"] != DYNAMODB:
        return write_catalog(backend)
    if not saved_emulator_catalog:
        from emptied import saved_store

        products = write_catalog(backend)
        saved_emulator_catalog.update(products=products, restore=saved_store())
    else:
        saved_emulator_catalog["restore"]()
    products: list[Product] = saved_emulator_catalog["products"]
    return products


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


def expected_order(products: list[Product], ordering: str | None) -> list[int]:
    field = (ordering or "id").lstrip("-")
    sort_values = {
        "id": lambda product: (product.id,),
        "created_at": lambda product: (product.created_at, product.id),
        "price": lambda product: (product.price, product.id),
        "name": lambda product: (product.name.casefold(), product.id),
    }[field]
    ids = [product.id for product in sorted(products, key=sort_values)]
    return ids[::-1] if (ordering or "").startswith("-") else ids


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
