"""Ratings keep their product's sum and count exact under concurrency: users rating one
product at once, one user rating it many times at once, and concurrent deletes, proven
against DynamoDB's conditional writes (the rules without a race run on the in-memory
store: tests/services/test_ratings_averages.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from helpers import make_user, score

from chalicelib.domain.entities import Product, User
from chalicelib.domain.ratings import RatingQuery
from chalicelib.services import ratings

Concurrently = Callable[[Sequence[Callable[[], Any]]], list[Any]]


def test_many_users_rating_one_product_at_once_leave_an_exact_average(
    parka: Product, concurrently: Concurrently
) -> None:
    users = [make_user(f"rater{number}") for number in range(12)]
    values = [number % 5 + 1 for number in range(12)]

    results = concurrently(
        [
            lambda user=user, value=value: ratings.rate(user, parka.id, value, "")
            for user, value in zip(users, values, strict=True)
        ]
    )

    assert [error for error in results if isinstance(error, Exception)] == []
    total, count, average = score(parka)
    assert (total, count) == (sum(values), 12)
    assert average == round(sum(values) / 12, 2)


def test_one_user_rating_one_product_many_times_at_once_leaves_one_consistent_rating(
    shopper_user: User, parka: Product, concurrently: Concurrently
) -> None:
    results = concurrently(
        [
            lambda value=value: ratings.rate(shopper_user, parka.id, value, "")
            for value in (1, 2, 3, 4, 5) * 2
        ]
    )

    assert [error for error in results if isinstance(error, Exception)] == []
    assert [created for _, created in results].count(True) == 1
    stored = ratings.list_ratings(RatingQuery(limit=10, product_id=parka.id)).items
    assert len(stored) == 1
    assert score(parka)[:2] == (stored[0].rating, 1)


def test_concurrent_deletes_of_one_rating_uncount_it_once(
    shopper_user: User, parka: Product, concurrently: Concurrently
) -> None:
    ratings.rate(make_user("ann"), parka.id, 5, "")
    mine, _ = ratings.rate(shopper_user, parka.id, 1, "")

    concurrently([lambda: ratings.delete_rating(shopper_user, mine.id)] * 4)

    assert score(parka) == (5, 1, 5.0)
