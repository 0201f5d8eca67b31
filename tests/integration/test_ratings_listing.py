"""Rating costs its budget in DynamoDB calls, and a page of ratings is one query through
an index, never a scan (the lists' order and cursors are service rules:
tests/services/test_ratings_listing.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from chalicelib.domain.entities import Product, User
from chalicelib.domain.ratings import RatingQuery
from chalicelib.services import accounts, catalog, ratings

if TYPE_CHECKING:
    from call_recorder import DynamoDBCalls


def test_a_first_rating_costs_three_dynamodb_calls(
    parka_and_cap: list[Product], shopper_user: User, dynamodb_calls: DynamoDBCalls
) -> None:
    with dynamodb_calls.counting():
        ratings.rate(shopper_user, parka_and_cap[0].id, 5, "")
    assert dynamodb_calls.operations == ["GetItem", "UpdateItem", "TransactWriteItems"]


def test_replacing_a_rating_costs_two_dynamodb_calls(
    parka_and_cap: list[Product], shopper_user: User, dynamodb_calls: DynamoDBCalls
) -> None:
    ratings.rate(shopper_user, parka_and_cap[0].id, 5, "")
    with dynamodb_calls.counting():
        ratings.rate(shopper_user, parka_and_cap[0].id, 4, "")
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
    query: RatingQuery, rating_ids: list[int], dynamodb_calls: DynamoDBCalls
) -> None:
    with dynamodb_calls.counting():
        ratings.list_ratings(query)
    assert len(dynamodb_calls.operations) == 1
    assert "Scan" not in dynamodb_calls.operations


def test_deleting_a_user_or_a_product_with_ratings_scans_nothing(
    staff_user: User, raters: list[User], parka_and_cap: list[Product], rating_ids: list[int],
    dynamodb_calls: DynamoDBCalls,
) -> None:  # fmt: skip
    with dynamodb_calls.counting():
        accounts.delete_user(raters[0], raters[0].id)
        catalog.delete_product(parka_and_cap[0].id)
    assert "Scan" not in dynamodb_calls.operations
