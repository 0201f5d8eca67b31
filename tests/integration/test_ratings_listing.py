"""Rating costs its budget in DynamoDB calls, and a page of ratings is one query through
an index, never a scan (the lists' order and cursors are service rules:
tests/services/test_ratings_listing.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from helpers import PASSWORD

from chalicelib.domain.accounts import NewUser
from chalicelib.domain.catalog import NewProduct
from chalicelib.domain.entities import Category, Product, User
from chalicelib.domain.ratings import RatingQuery
from chalicelib.services import accounts, catalog, ratings

if TYPE_CHECKING:
    from call_recorder import DynamoDBCalls


@pytest.fixture
def products(staff_user: User, jackets_category: Category) -> list[Product]:
    return [
        catalog.create_product(
            NewProduct(name=name, price=Decimal(10), category_id=jackets_category.id)
        )
        for name in ("Parka", "Cap")
    ]


@pytest.fixture
def raters(store: None) -> list[User]:
    return [
        accounts.signup(NewUser(username=name, email=f"{name}@example.com", password=PASSWORD))
        for name in ("zoe", "ann", "max")
    ]


@pytest.fixture
def rated(products: list[Product], raters: list[User]) -> list[int]:
    """Ratings made product by product, so that user order and id order differ."""
    return [ratings.rate(user, product.id, 3, "")[0].id for product in products for user in raters]


def test_a_first_rating_costs_three_dynamodb_calls(
    products: list[Product], shopper_user: User, dynamodb_calls: DynamoDBCalls
) -> None:
    with dynamodb_calls.counting():
        ratings.rate(shopper_user, products[0].id, 5, "")
    assert dynamodb_calls.operations == ["GetItem", "UpdateItem", "TransactWriteItems"]


def test_replacing_a_rating_costs_two_dynamodb_calls(
    products: list[Product], shopper_user: User, dynamodb_calls: DynamoDBCalls
) -> None:
    ratings.rate(shopper_user, products[0].id, 5, "")
    with dynamodb_calls.counting():
        ratings.rate(shopper_user, products[0].id, 4, "")
    assert dynamodb_calls.operations == ["GetItem", "TransactWriteItems"]


@pytest.mark.parametrize(
    "query",
    [
        RatingQuery(limit=5),
        RatingQuery(limit=5, product_id=1),
        RatingQuery(limit=5, user_id=1),
        RatingQuery(limit=5, product_id=1, user_id=1),
    ],
)
def test_a_page_of_ratings_is_one_call_and_never_a_scan(
    query: RatingQuery, rated: list[int], dynamodb_calls: DynamoDBCalls
) -> None:
    with dynamodb_calls.counting():
        ratings.list_ratings(query)
    assert len(dynamodb_calls.operations) == 1
    assert "Scan" not in dynamodb_calls.operations


def test_deleting_a_user_or_a_product_with_ratings_scans_nothing(
    staff_user: User, raters: list[User], products: list[Product], rated: list[int],
    dynamodb_calls: DynamoDBCalls,
) -> None:  # fmt: skip
    with dynamodb_calls.counting():
        accounts.delete_user(raters[0], raters[0].id)
        catalog.delete_product(products[0].id)
    assert "Scan" not in dynamodb_calls.operations
