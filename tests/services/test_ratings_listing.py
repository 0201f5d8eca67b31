"""Rating lists page in id order, for all ratings, a product's, a user's and both, and
refuse a cursor of another list."""

from __future__ import annotations

import pytest

from chalicelib.domain.entities import Product, User
from chalicelib.domain.ratings import RatingQuery
from chalicelib.errors import InvalidInput
from chalicelib.services import ratings


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


def test_all_ratings_page_in_id_order(rating_ids: list[int]) -> None:
    assert every_page(RatingQuery(limit=4)) == [rating_ids[:4], rating_ids[4:]]


def test_a_products_ratings_page_in_id_order(
    parka_and_cap: list[Product], rating_ids: list[int]
) -> None:
    pages = every_page(RatingQuery(limit=2, product_id=parka_and_cap[1].id))
    assert pages == [rating_ids[3:5], rating_ids[5:]]


def test_a_users_ratings_page_in_id_order(raters: list[User], rating_ids: list[int]) -> None:
    pages = every_page(RatingQuery(limit=1, user_id=raters[0].id))
    assert pages == [[rating_ids[0]], [rating_ids[3]]]


def test_both_filters_find_the_one_rating_of_that_user_for_that_product(
    parka_and_cap: list[Product], raters: list[User], rating_ids: list[int]
) -> None:
    page = ratings.list_ratings(RatingQuery(10, None, parka_and_cap[1].id, raters[2].id))
    assert ([rating.id for rating in page.items], page.next_cursor) == ([rating_ids[5]], None)


def test_a_cursor_of_another_list_is_refused(
    parka_and_cap: list[Product], rating_ids: list[int]
) -> None:
    cursor = ratings.list_ratings(RatingQuery(limit=1)).next_cursor
    with pytest.raises(InvalidInput):
        ratings.list_ratings(RatingQuery(limit=1, cursor=cursor, product_id=parka_and_cap[0].id))


def test_a_cursor_is_refused_where_there_is_never_a_next_page(
    parka_and_cap: list[Product], raters: list[User], rating_ids: list[int]
) -> None:
    cursor = ratings.list_ratings(RatingQuery(limit=1)).next_cursor
    with pytest.raises(InvalidInput):
        ratings.list_ratings(RatingQuery(1, cursor, parka_and_cap[0].id, raters[0].id))
