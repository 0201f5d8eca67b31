"""A price range that holds no whole cent is answered without a DynamoDB call: the price
index's key range would be inverted, and DynamoDB refuses a BETWEEN whose lower bound is
above its upper bound. (The lists' orderings, filters and price ranges are service rules:
tests/services/test_product_listing.py.)"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from chalicelib.domain.catalog import NewProduct, ProductQuery
from chalicelib.domain.entities import Category, Product, User
from chalicelib.services.catalog import create_product, list_products

if TYPE_CHECKING:
    from call_recorder import DynamoDBCalls


@pytest.fixture
def products(staff_user: User, jackets_category: Category) -> list[Product]:
    """Prices on both sides of the ranges, whole cents next to them included."""
    return [
        create_product(
            NewProduct(name=price, price=Decimal(price), category_id=jackets_category.id)
        )
        for price in ("9.99", "10.00", "10.01", "20.00", "30.00")
    ]


@pytest.mark.parametrize(("low", "high"), [("30", "10"), ("10.001", "10.009")])
def test_a_range_without_a_whole_cent_sends_no_inverted_key_range(
    products: list[Product], dynamodb_calls: DynamoDBCalls, low: str, high: str
) -> None:
    """DynamoDB refuses a BETWEEN whose lower bound is above its upper bound."""
    query = ProductQuery(limit=5, ordering="price", min_price=Decimal(low), max_price=Decimal(high))
    with dynamodb_calls.counting():
        page = list_products(query)

    assert (page.items, dynamodb_calls.operations) == ([], [])
