"""Ratings keep their product's sum and count exact: on create, replace and delete, and
when the product or the user goes (and under concurrency, against DynamoDB:
tests/integration/test_ratings_averages.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from helpers import make_user, score

from chalicelib.domain.accounts import UserChanges
from chalicelib.domain.catalog import NewProduct
from chalicelib.domain.entities import Category, Product, User
from chalicelib.domain.ratings import RatingChanges, RatingQuery
from chalicelib.errors import NotFound, PermissionDenied
from chalicelib.services import accounts, catalog, ratings
from chalicelib.services.storage import store


def test_a_first_rating_is_created_and_counted(shopper_user: User, parka: Product) -> None:
    rating, created = ratings.rate(shopper_user, parka.id, 4, "Warm")

    assert created
    assert (rating.product_id, rating.user_id, rating.username) == (
        parka.id,
        shopper_user.id,
        "shopper",
    )
    assert score(parka) == (4, 1, 4.0)


def test_rating_again_replaces_the_earlier_rating(shopper_user: User, parka: Product) -> None:
    first, _ = ratings.rate(shopper_user, parka.id, 4, "Warm")
    second, created = ratings.rate(shopper_user, parka.id, 2, "Too warm")

    assert not created
    assert (second.id, second.created_at) == (first.id, first.created_at)
    assert (second.rating, second.comment) == (2, "Too warm")
    assert score(parka) == (2, 1, 2.0)


def test_the_average_of_several_users_is_rounded_to_two_decimals(parka: Product) -> None:
    for name, value in (("ann", 5), ("bob", 4), ("cyd", 4)):
        ratings.rate(make_user(name), parka.id, value, "")

    assert score(parka) == (13, 3, 4.33)


def test_rating_an_unknown_product_is_not_found_and_creates_nothing(shopper_user: User) -> None:
    with pytest.raises(NotFound):
        ratings.rate(shopper_user, 999, 5, "")

    assert ratings.list_ratings(RatingQuery(limit=10)).items == []
    with pytest.raises(NotFound):
        catalog.get_product(999)  # the score update did not create a product


def test_deleting_a_rating_uncounts_it(shopper_user: User, parka: Product) -> None:
    ratings.rate(make_user("ann"), parka.id, 5, "")
    mine, _ = ratings.rate(shopper_user, parka.id, 1, "")

    ratings.delete_rating(shopper_user, mine.id)

    assert score(parka) == (5, 1, 5.0)
    with pytest.raises(NotFound):
        ratings.get_rating(mine.id)


def test_changing_a_rating_by_id_moves_the_sum(shopper_user: User, parka: Product) -> None:
    mine, _ = ratings.rate(shopper_user, parka.id, 1, "Meh")

    changed = ratings.update_rating(shopper_user, mine.id, RatingChanges(rating=3))

    assert (changed.rating, changed.comment) == (3, "Meh")
    assert score(parka) == (3, 1, 3.0)


def test_another_user_may_not_change_or_delete_a_rating(shopper_user: User, parka: Product) -> None:
    mine, _ = ratings.rate(shopper_user, parka.id, 1, "")
    other = make_user("mallory")

    with pytest.raises(PermissionDenied):
        ratings.update_rating(other, mine.id, RatingChanges(rating=5))
    with pytest.raises(PermissionDenied):
        ratings.delete_rating(other, mine.id)
    assert score(parka) == (1, 1, 1.0)


def test_staff_may_change_a_rating_which_stays_the_authors(
    staff_user: User, shopper_user: User, parka: Product
) -> None:
    mine, _ = ratings.rate(shopper_user, parka.id, 1, "Rude words")

    changed = ratings.update_rating(staff_user, mine.id, RatingChanges(comment="[removed]"))

    assert (changed.user_id, changed.username, changed.comment) == (
        shopper_user.id,
        "shopper",
        "[removed]",
    )


def test_deleting_a_product_deletes_its_ratings(
    staff_user: User, shopper_user: User, parka: Product
) -> None:
    ratings.rate(shopper_user, parka.id, 5, "")

    catalog.delete_product(parka.id)

    assert ratings.list_ratings(RatingQuery(limit=10)).items == []
    assert ratings.list_ratings(RatingQuery(limit=10, user_id=shopper_user.id)).items == []


def test_a_repeated_product_delete_finishes_removing_its_ratings(
    staff_user: User, shopper_user: User, parka: Product, monkeypatch: pytest.MonkeyPatch
) -> None:
    ratings.rate(shopper_user, parka.id, 5, "")
    with monkeypatch.context() as patched:
        patched.setattr(store.ratings, "delete_ratings_of_product", fail)
        with pytest.raises(RuntimeError):
            catalog.delete_product(parka.id)

    with pytest.raises(NotFound):
        catalog.delete_product(parka.id)

    assert ratings.list_ratings(RatingQuery(limit=10, product_id=parka.id)).items == []


def fail(*args: Any) -> None:
    raise RuntimeError("the connection dropped")


def test_deleting_a_user_deletes_their_ratings_and_corrects_the_averages(
    staff_user: User, shopper_user: User, parka: Product, jackets_category: Category
) -> None:
    cap = catalog.create_product(
        NewProduct(name="Cap", price=Decimal(5), category_id=jackets_category.id)
    )
    ratings.rate(make_user("ann"), parka.id, 4, "")
    ratings.rate(shopper_user, parka.id, 1, "")
    ratings.rate(shopper_user, cap.id, 2, "")

    accounts.delete_user(shopper_user, shopper_user.id)

    assert score(parka) == (4, 1, 4.0)
    assert score(cap) == (0, 0, 0)
    assert [r.username for r in ratings.list_ratings(RatingQuery(limit=10)).items] == ["ann"]


def test_a_deleted_user_cannot_rate(shopper_user: User, parka: Product) -> None:
    stale_actor = shopper_user  # as a request authenticated just before the deletion holds it
    accounts.delete_user(shopper_user, shopper_user.id)

    with pytest.raises(NotFound):
        ratings.rate(stale_actor, parka.id, 5, "")
    assert score(parka) == (0, 0, 0)


def test_a_renamed_user_is_shown_under_the_new_name(shopper_user: User, parka: Product) -> None:
    mine, _ = ratings.rate(shopper_user, parka.id, 5, "")

    accounts.update_user(shopper_user, shopper_user.id, UserChanges(username="sam"), None)

    assert ratings.get_rating(mine.id).username == "sam"
