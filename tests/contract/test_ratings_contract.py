"""The ratings repository, held equal in both stores: one rating per user and product,
each write moving its product's ``rating_sum`` and ``rating_count`` (never its version),
lists by product, by user or of all in id order, and the sweeps after a product or a user
goes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from helpers import INVALID_CURSOR

from chalicelib.domain.entities import Category, Product, User
from chalicelib.domain.ratings import Rating, RatingQuery, revised
from chalicelib.domain.storage import WriteConflict
from chalicelib.errors import InvalidInput, NotFound

CREATED_AT = datetime(2025, 4, 17, 13, 22, 25, 166148, tzinfo=UTC)
LATER = datetime(2025, 4, 18, 9, 0, 0, 5, tzinfo=UTC)


def a_user(backend: Any, username: str = "alice") -> User:
    return backend.users.create_user(
        User(
            id=backend.users.new_user_id(),
            username=username,
            email=f"{username}@example.com",
            password_hash="pbkdf2_sha256$1000$salt$hash",
            created_at=CREATED_AT,
        )
    )


def a_product(backend: Any, name: str = "Hat") -> Product:
    """A product in a category of its own, created as the catalog use cases create them."""
    category = backend.categories.create_category(
        Category(id=backend.categories.new_category_id(), name=f"{name}s", created_at=CREATED_AT)
    )
    return backend.products.create_product(
        Product(
            id=backend.products.new_product_id(),
            name=name,
            price=Decimal("10.50"),
            category_id=category.id,
            category_name=category.name,
            created_at=CREATED_AT,
            stock=3,
        )
    )


def a_rating(backend: Any, product: Product, user: User, value: int = 4) -> Rating:
    """A new rating (not stored yet), as the rating use case builds one."""
    return Rating(
        id=backend.ratings.new_rating_id(),
        product_id=product.id,
        user_id=user.id,
        username=user.username,
        rating=value,
        comment=f"{value} stars",
        created_at=CREATED_AT,
        updated_at=CREATED_AT,
    )


def rated(backend: Any, product: Product, user: User, value: int = 4) -> Rating:
    return backend.ratings.add_rating(a_rating(backend, product, user, value))


def score(backend: Any, product: Product) -> tuple[int, int, int | None]:
    """The product's rating sum, rating count and version, as stored."""
    stored = backend.products.get_product(product.id)
    return stored.rating_sum, stored.rating_count, stored.version


def listed(backend: Any, **query: Any) -> tuple[list[int], str | None]:
    page = backend.ratings.list_ratings(RatingQuery(**query))
    return [rating.id for rating in page.items], page.next_cursor


@pytest.fixture
def alice(backend: Any) -> User:
    return a_user(backend, "alice")


@pytest.fixture
def hat(backend: Any) -> Product:
    return a_product(backend, "Hat")


# --- writes -------------------------------------------------------------------------------


def test_new_rating_ids_count_up_from_one(backend: Any) -> None:
    assert [backend.ratings.new_rating_id() for _ in range(3)] == [1, 2, 3]


def test_an_added_rating_is_found_as_the_user_s_rating_of_the_product(
    backend: Any, alice: User, hat: Product
) -> None:
    added = rated(backend, hat, alice)

    assert backend.ratings.find_rating_of(hat.id, alice.id) == added


def test_an_added_rating_is_at_version_1(backend: Any, alice: User, hat: Product) -> None:
    assert rated(backend, hat, alice).version == 1


def test_an_added_rating_is_found_by_id(backend: Any, alice: User, hat: Product) -> None:
    added = rated(backend, hat, alice)

    assert backend.ratings.get_rating(added.id) == added


def test_an_added_rating_is_counted_on_its_product_without_moving_its_version(
    backend: Any, alice: User, hat: Product
) -> None:
    rated(backend, hat, alice, 4)
    rated(backend, hat, a_user(backend, "bob"), 1)

    assert score(backend, hat) == (5, 2, hat.version)


def test_a_user_with_no_rating_of_the_product_has_none(
    backend: Any, alice: User, hat: Product
) -> None:
    assert backend.ratings.find_rating_of(hat.id, alice.id) is None


def test_a_missing_rating_id_is_not_found(backend: Any) -> None:
    with pytest.raises(NotFound):
        backend.ratings.get_rating(404)


def test_a_second_rating_of_a_product_by_its_user_is_a_write_conflict(
    backend: Any, alice: User, hat: Product
) -> None:
    first = rated(backend, hat, alice, 4)

    with pytest.raises(WriteConflict):
        rated(backend, hat, alice, 2)

    assert backend.ratings.find_rating_of(hat.id, alice.id) == first
    assert score(backend, hat)[:2] == (4, 1)


def test_a_rating_of_a_missing_product_is_not_found_and_not_stored(
    backend: Any, alice: User, hat: Product
) -> None:
    missing = replace(hat, id=404)
    rating = a_rating(backend, missing, alice)

    with pytest.raises(NotFound):
        backend.ratings.add_rating(rating)

    assert backend.ratings.find_rating_of(missing.id, alice.id) is None


def test_a_rating_by_a_missing_user_is_not_found_and_not_counted(
    backend: Any, alice: User, hat: Product
) -> None:
    with pytest.raises(NotFound):
        rated(backend, hat, replace(alice, id=404))

    assert score(backend, hat)[:2] == (0, 0)


def test_a_replaced_rating_is_stored_with_its_new_value_at_the_next_version(
    backend: Any, alice: User, hat: Product
) -> None:
    previous = rated(backend, hat, alice, 4)
    updated = replace(revised(previous, 2, "meh", LATER), username="alicia")

    assert backend.ratings.replace_rating(previous, updated) == updated
    assert backend.ratings.get_rating(previous.id) == replace(
        previous,
        **{
            "rating": 2,
            "comment": "meh",
            "username": "alicia",
            "updated_at": LATER,
            "version": 2,
        },
    )


def test_a_replaced_rating_moves_its_product_s_sum_by_the_difference(
    backend: Any, alice: User, hat: Product
) -> None:
    previous = rated(backend, hat, alice, 4)

    backend.ratings.replace_rating(previous, revised(previous, 1, "", LATER))

    assert score(backend, hat) == (1, 1, hat.version)


def test_replacing_a_rating_changed_since_read_is_a_write_conflict(
    backend: Any, alice: User, hat: Product
) -> None:
    previous = rated(backend, hat, alice, 4)
    backend.ratings.replace_rating(previous, revised(previous, 3, "", LATER))

    with pytest.raises(WriteConflict):
        backend.ratings.replace_rating(previous, revised(previous, 1, "", LATER))

    assert score(backend, hat)[:2] == (3, 1)


def test_replacing_a_deleted_rating_is_a_write_conflict(
    backend: Any, alice: User, hat: Product
) -> None:
    previous = rated(backend, hat, alice, 4)
    backend.ratings.delete_rating(previous)

    with pytest.raises(WriteConflict):
        backend.ratings.replace_rating(previous, revised(previous, 1, "", LATER))


def test_replacing_a_rating_of_a_deleted_product_is_not_found(
    backend: Any, alice: User, hat: Product
) -> None:
    previous = rated(backend, hat, alice, 4)
    backend.products.delete_product(backend.products.get_product(hat.id))

    with pytest.raises(NotFound):
        backend.ratings.replace_rating(previous, revised(previous, 1, "", LATER))


def test_replacing_a_rating_of_a_deleted_user_is_not_found(
    backend: Any, alice: User, hat: Product
) -> None:
    previous = rated(backend, hat, alice, 4)
    backend.users.delete_user(alice)

    with pytest.raises(NotFound):
        backend.ratings.replace_rating(previous, revised(previous, 1, "", LATER))


def test_a_deleted_rating_is_gone_by_product_and_user_and_by_id(
    backend: Any, alice: User, hat: Product
) -> None:
    rating = rated(backend, hat, alice)

    backend.ratings.delete_rating(rating)

    assert backend.ratings.find_rating_of(hat.id, alice.id) is None
    with pytest.raises(NotFound):
        backend.ratings.get_rating(rating.id)


def test_a_deleted_rating_is_uncounted_from_its_product(
    backend: Any, alice: User, hat: Product
) -> None:
    backend.ratings.delete_rating(rated(backend, hat, alice, 4))

    assert score(backend, hat) == (0, 0, hat.version)


def test_deleting_a_rating_changed_since_read_is_a_write_conflict(
    backend: Any, alice: User, hat: Product
) -> None:
    previous = rated(backend, hat, alice, 4)
    backend.ratings.replace_rating(previous, revised(previous, 3, "", LATER))

    with pytest.raises(WriteConflict):
        backend.ratings.delete_rating(previous)

    assert score(backend, hat)[:2] == (3, 1)


def test_deleting_a_rating_twice_is_a_write_conflict(
    backend: Any, alice: User, hat: Product
) -> None:
    rating = rated(backend, hat, alice)
    backend.ratings.delete_rating(rating)

    with pytest.raises(WriteConflict):
        backend.ratings.delete_rating(rating)


def test_a_rating_of_a_deleted_product_is_deleted_alone(
    backend: Any, alice: User, hat: Product
) -> None:
    rating = rated(backend, hat, alice)
    backend.products.delete_product(backend.products.get_product(hat.id))

    backend.ratings.delete_rating(rating)

    assert backend.ratings.find_rating_of(hat.id, alice.id) is None
    with pytest.raises(NotFound):
        backend.ratings.get_rating(rating.id)


# --- lists --------------------------------------------------------------------------------


@pytest.fixture
def world(backend: Any) -> dict[str, Any]:
    """Two users and two products; ratings made in this order: alice-hat, bob-cap,
    alice-cap, bob-hat (ids ascending)."""
    alice, bob = a_user(backend, "alice"), a_user(backend, "bob")
    hat, cap = a_product(backend, "Hat"), a_product(backend, "Cap")
    ratings = [
        rated(backend, hat, alice, 5),
        rated(backend, cap, bob, 4),
        rated(backend, cap, alice, 3),
        rated(backend, hat, bob, 2),
    ]
    return {"alice": alice, "bob": bob, "hat": hat, "cap": cap, "ratings": ratings}


def ids(world: dict[str, Any], *positions: int) -> list[int]:
    return [world["ratings"][position].id for position in positions]


def test_all_ratings_are_listed_in_id_order_in_pages_of_limit(
    backend: Any, world: dict[str, Any]
) -> None:
    first, cursor = listed(backend, limit=3)
    second, end = listed(backend, limit=3, cursor=cursor)

    assert (first, second, end) == (ids(world, 0, 1, 2), ids(world, 3), None)


def test_listed_ratings_are_as_stored(backend: Any, world: dict[str, Any]) -> None:
    page = backend.ratings.list_ratings(RatingQuery(limit=10))

    assert page.items == world["ratings"]


def test_the_rating_list_ends_without_a_cursor_when_the_last_page_is_full(
    backend: Any, world: dict[str, Any]
) -> None:
    assert listed(backend, limit=4) == (ids(world, 0, 1, 2, 3), None)


def test_a_product_s_ratings_are_listed_in_id_order_in_pages_of_limit(
    backend: Any, world: dict[str, Any]
) -> None:
    product_id = world["hat"].id

    first, cursor = listed(backend, limit=1, product_id=product_id)
    second, end = listed(backend, limit=1, product_id=product_id, cursor=cursor)

    assert (first, second, end) == (ids(world, 0), ids(world, 3), None)


def test_a_user_s_ratings_are_listed_in_id_order_in_pages_of_limit(
    backend: Any, world: dict[str, Any]
) -> None:
    user_id = world["bob"].id

    first, cursor = listed(backend, limit=1, user_id=user_id)
    second, end = listed(backend, limit=1, user_id=user_id, cursor=cursor)

    assert (first, second, end) == (ids(world, 1), ids(world, 3), None)


def test_a_product_and_user_list_holds_that_user_s_rating_of_it_alone(
    backend: Any, world: dict[str, Any]
) -> None:
    query = {"product_id": world["cap"].id, "user_id": world["alice"].id}

    assert listed(backend, limit=1, **query) == (ids(world, 2), None)


def test_a_product_and_user_list_without_a_rating_is_empty(
    backend: Any, world: dict[str, Any]
) -> None:
    assert listed(backend, limit=5, product_id=404, user_id=world["alice"].id) == ([], None)


def test_a_ratings_list_of_an_unrated_product_is_empty(backend: Any, hat: Product) -> None:
    assert listed(backend, limit=5, product_id=hat.id) == ([], None)


def test_any_cursor_of_a_product_and_user_list_is_invalid_input(
    backend: Any, world: dict[str, Any]
) -> None:
    _, cursor = listed(backend, limit=1)
    query = RatingQuery(
        limit=1, cursor=cursor, product_id=world["cap"].id, user_id=world["alice"].id
    )

    with pytest.raises(InvalidInput) as invalid:
        backend.ratings.list_ratings(query)

    assert invalid.value.errors == INVALID_CURSOR


def test_a_made_up_rating_list_cursor_is_invalid_input(backend: Any) -> None:
    with pytest.raises(InvalidInput) as invalid:
        backend.ratings.list_ratings(RatingQuery(limit=2, cursor="eyJpZCI6MX0.bm90LWEtbWFj"))

    assert invalid.value.errors == INVALID_CURSOR


def test_a_cursor_of_one_product_s_ratings_is_invalid_for_another_s(
    backend: Any, world: dict[str, Any]
) -> None:
    _, cursor = listed(backend, limit=1, product_id=world["hat"].id)

    with pytest.raises(InvalidInput) as invalid:
        listed(backend, limit=1, product_id=world["cap"].id, cursor=cursor)

    assert invalid.value.errors == INVALID_CURSOR


def test_a_cursor_of_a_user_s_ratings_is_invalid_for_all_ratings(
    backend: Any, world: dict[str, Any]
) -> None:
    _, cursor = listed(backend, limit=1, user_id=world["bob"].id)

    with pytest.raises(InvalidInput) as invalid:
        listed(backend, limit=1, cursor=cursor)

    assert invalid.value.errors == INVALID_CURSOR


def test_a_user_s_ratings_are_read_in_id_order(backend: Any, world: dict[str, Any]) -> None:
    found = list(backend.ratings.ratings_of_user(world["alice"].id))

    assert found == [world["ratings"][0], world["ratings"][2]]


# --- sweeps -------------------------------------------------------------------------------


def test_a_renamed_author_s_ratings_carry_the_new_name_at_the_same_version(
    backend: Any, world: dict[str, Any]
) -> None:
    backend.ratings.rename_author(world["alice"].id, "alicia")

    found = list(backend.ratings.ratings_of_user(world["alice"].id))
    assert found == [replace(world["ratings"][p], username="alicia") for p in (0, 2)]


def test_renaming_an_author_leaves_other_authors_ratings(
    backend: Any, world: dict[str, Any]
) -> None:
    backend.ratings.rename_author(world["alice"].id, "alicia")

    assert list(backend.ratings.ratings_of_user(world["bob"].id)) == [
        world["ratings"][1],
        world["ratings"][3],
    ]


def test_deleting_a_product_s_ratings_removes_them_and_their_ids(
    backend: Any, world: dict[str, Any]
) -> None:
    backend.products.delete_product(backend.products.get_product(world["hat"].id))

    backend.ratings.delete_ratings_of_product(world["hat"].id)

    assert listed(backend, limit=10) == (ids(world, 1, 2), None)
    for rating_id in ids(world, 0, 3):
        with pytest.raises(NotFound):
            backend.ratings.get_rating(rating_id)


def test_deleting_a_product_s_ratings_leaves_other_products_scores(
    backend: Any, world: dict[str, Any]
) -> None:
    backend.ratings.delete_ratings_of_product(world["hat"].id)

    assert score(backend, world["cap"])[:2] == (7, 2)
