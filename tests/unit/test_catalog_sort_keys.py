"""Product sort keys and the product list query.

DynamoDB orders string sort keys by their UTF-8 bytes, which is the order of Python's
string comparison, so comparing keys here is comparing them as the index will.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from chalicelib.domain.catalog import ProductQuery
from chalicelib.domain.catalog_keys import name_sort_key, price_sort_key

PRICES = ["0", "0.01", "0.5", "9.99", "10", "10.00", "99.9", "100", "1400.00", "99999999.99"]
NAMES = ["a", "A", "a b", "a!", "a#", "a-b", "ab", "a~", "B", "b", "Zebra", "zeta", "Ähre", "ähre"]


def test_price_keys_sort_like_the_prices() -> None:
    products = [(Decimal(price), product_id) for product_id, price in enumerate(PRICES, 1)]

    by_key = sorted(products, key=lambda product: price_sort_key(*product))

    assert by_key == sorted(products)


def test_equal_prices_sort_by_id() -> None:
    price = Decimal("10.00")

    assert price_sort_key(price, 9) < price_sort_key(price, 10) < price_sort_key(price, 100)


def test_a_cheaper_product_sorts_first_whatever_the_ids() -> None:
    assert price_sort_key(Decimal("9.99"), 999_999) < price_sort_key(Decimal("10.00"), 1)


def test_name_keys_sort_like_the_names_ignoring_case() -> None:
    products = [(name, product_id) for product_id, name in enumerate(NAMES, 1)]

    by_key = sorted(products, key=lambda product: name_sort_key(*product))

    assert by_key == sorted(products, key=lambda product: (product[0].casefold(), product[1]))


def test_a_name_sorts_before_a_longer_name_it_begins() -> None:
    assert name_sort_key("Jacket", 2) < name_sort_key("Jacket blue", 1)
    assert name_sort_key("Jacket", 2) < name_sort_key("Jacket!", 1)


def test_equal_names_sort_by_id() -> None:
    assert name_sort_key("Scarf", 9) < name_sort_key("scarf", 10) < name_sort_key("SCARF", 100)


@pytest.mark.parametrize(
    ("ordering", "field"),
    [
        (None, "id"),
        ("created_at", "id"),
        ("-created_at", "id"),
        ("price", "price"),
        ("-price", "price"),
        ("name", "name"),
        ("-name", "name"),
    ],
)
def test_each_ordering_sorts_on_an_indexed_field(ordering: str | None, field: str) -> None:
    assert ProductQuery(limit=10, ordering=ordering).sort_field == field


@pytest.mark.parametrize("ordering", [None, "created_at", "price", "name"])
def test_orderings_without_a_minus_are_ascending(ordering: str | None) -> None:
    assert ProductQuery(limit=10, ordering=ordering).ascending


@pytest.mark.parametrize("ordering", ["-created_at", "-price", "-name"])
def test_orderings_with_a_minus_are_descending(ordering: str) -> None:
    assert not ProductQuery(limit=10, ordering=ordering).ascending
