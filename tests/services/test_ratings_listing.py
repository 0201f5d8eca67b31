"""Rating lists page in id order, for all ratings, a product's, a user's and both, and
refuse a cursor of another list."""

from __future__ import annotations

from decimal import Decimal

import pytest
from helpers import PASSWORD

from chalicelib.domain.accounts import NewUser
from chalicelib.domain.catalog import NewProduct
from chalicelib.domain.entities import Category, Product, User
from chalicelib.domain.ratings import RatingQuery
from chalicelib.errors import InvalidInput
from chalicelib.services import accounts, catalog, ratings


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


def every_page(query: RatingQuery) -> list[list[int]]:
    pages = []
    cursor = None
    while True:
        page = ratings.list_ratings(
            RatingQuery(query.limit, cursor, query.product_id, query.user_id)
        )
        pages.append([rating.id for rating in page.items])
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


@pytest.fixture
def rated(products: list[Product], raters: list[User]) -> list[int]:
    """Ratings made product by product, so that user order and id order differ."""
    return [ratings.rate(user, product.id, 3, "")[0].id for product in products for user in raters]


def test_all_ratings_page_in_id_order(rated: list[int]) -> None:
    assert every_page(RatingQuery(limit=4)) == [rated[:4], rated[4:]]


def test_a_products_ratings_page_in_id_order(products: list[Product], rated: list[int]) -> None:
    pages = every_page(RatingQuery(limit=2, product_id=products[1].id))
    assert pages == [rated[3:5], rated[5:]]


def test_a_users_ratings_page_in_id_order(raters: list[User], rated: list[int]) -> None:
    pages = every_page(RatingQuery(limit=1, user_id=raters[0].id))
    assert pages == [[rated[0]], [rated[3]]]


def test_both_filters_find_the_one_rating_of_that_user_for_that_product(
    products: list[Product], raters: list[User], rated: list[int]
) -> None:
    page = ratings.list_ratings(RatingQuery(10, None, products[1].id, raters[2].id))
    assert ([rating.id for rating in page.items], page.next_cursor) == ([rated[5]], None)


def test_a_cursor_of_another_list_is_refused(products: list[Product], rated: list[int]) -> None:
    cursor = ratings.list_ratings(RatingQuery(limit=1)).next_cursor
    with pytest.raises(InvalidInput):
        ratings.list_ratings(RatingQuery(limit=1, cursor=cursor, product_id=products[0].id))


def test_a_cursor_is_refused_where_there_is_never_a_next_page(
    products: list[Product], raters: list[User], rated: list[int]
) -> None:
    cursor = ratings.list_ratings(RatingQuery(limit=1)).next_cursor
    with pytest.raises(InvalidInput):
        ratings.list_ratings(RatingQuery(1, cursor, products[0].id, raters[0].id))
