"""Rating rules: what each change does to a product's score, and who may change a rating."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from chalicelib.domain.entities import Product, User
from chalicelib.domain.ratings import (
    Rating,
    ScoreChange,
    can_change_rating,
    revised,
    score_of_new,
    score_of_removal,
    score_of_replacement,
)
from chalicelib.errors import InvalidInput
from chalicelib.schemas.ratings import RateProduct, RatingListQuery
from chalicelib.schemas.validation import validate

NOW = datetime(2025, 4, 17, 13, 53, 36, 55166, tzinfo=UTC)


def a_rating(value: int = 4, user_id: int = 2) -> Rating:
    return Rating(
        id=1,
        product_id=1,
        user_id=user_id,
        username="nurpratap",
        rating=value,
        comment="This is good tho",
        created_at=NOW,
        updated_at=NOW,
    )


def a_user(user_id: int, is_staff: bool = False) -> User:
    return User(user_id, f"user{user_id}", f"u{user_id}@example.com", "-", NOW, is_staff=is_staff)


def test_a_new_rating_adds_its_value_and_one_to_the_count() -> None:
    assert score_of_new(a_rating(4)) == ScoreChange(4, 1)


def test_a_replacement_moves_the_sum_by_the_difference_and_keeps_the_count() -> None:
    assert score_of_replacement(a_rating(4), a_rating(2)) == ScoreChange(-2, 0)


def test_a_removal_takes_its_value_and_one_off_the_count() -> None:
    assert score_of_removal(a_rating(3)) == ScoreChange(-3, -1)


def test_a_revision_keeps_id_author_and_creation_time_and_raises_the_version() -> None:
    later = NOW + timedelta(minutes=5)
    updated = revised(a_rating(4), 5, "Even better", later)
    assert (updated.id, updated.user_id, updated.created_at) == (1, 2, NOW)
    assert (updated.rating, updated.comment, updated.updated_at) == (5, "Even better", later)
    assert updated.version == 2


def test_the_author_may_change_a_rating() -> None:
    assert can_change_rating(a_user(2), a_rating(user_id=2))


def test_staff_may_change_anyones_rating() -> None:
    assert can_change_rating(a_user(9, is_staff=True), a_rating(user_id=2))


def test_another_user_may_not_change_a_rating() -> None:
    assert not can_change_rating(a_user(3), a_rating(user_id=2))


def test_an_unrated_product_has_an_average_of_zero() -> None:
    product = Product(1, "Jacket", Decimal("1.00"), 1, "Jackets", NOW)
    assert product.average_rating == 0


def test_the_average_is_the_mean_rounded_to_two_decimals() -> None:
    product = Product(
        1, "Jacket", Decimal("1.00"), 1, "Jackets", NOW, rating_sum=11, rating_count=3
    )
    assert product.average_rating == 3.67


@pytest.mark.parametrize("value", [1, 5, "3"])
def test_ratings_from_one_to_five_are_valid(value: object) -> None:
    assert 1 <= validate(RateProduct, {"rating": value}).rating <= 5


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, "Ensure this value is greater than or equal to 1."),
        (6, "Ensure this value is less than or equal to 5."),
        (4.5, "A valid integer is required."),
        ("four", "A valid integer is required."),
        (True, "A valid integer is required."),
        (None, "This field may not be null."),  # DRF: null for a required field
    ],
)
def test_other_ratings_are_refused_with_drf_messages(value: object, message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        validate(RateProduct, {"rating": value})
    assert refused.value.errors == {"rating": [message]}


def test_a_rating_without_a_value_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        validate(RateProduct, {"comment": "no stars"})
    assert refused.value.errors == {"rating": ["This field is required."]}


def test_a_comment_is_optional() -> None:
    assert validate(RateProduct, {"rating": 3}).comment == ""


def test_a_comment_over_5000_characters_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        validate(RateProduct, {"rating": 3, "comment": "x" * 5001})
    assert list(refused.value.errors) == ["comment"]


def test_the_list_filters_become_a_rating_query() -> None:
    query = validate(RatingListQuery, {"product": "3", "user": "7", "limit": "10"}).to_query()
    assert (query.product_id, query.user_id, query.limit) == (3, 7, 10)


@pytest.mark.parametrize("filters", [{"product": "x"}, {"user": "0"}, {"product": "-1"}])
def test_a_list_filter_that_is_not_an_id_is_refused(filters: dict[str, str]) -> None:
    with pytest.raises(InvalidInput):
        validate(RatingListQuery, filters)
