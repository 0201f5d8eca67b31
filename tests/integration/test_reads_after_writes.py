"""Reads that must see the write just made use table keys or strongly consistent reads,
never an index: proven with indexes that lag behind the table."""

from __future__ import annotations

import pytest
from lagging_indexes import indexes_frozen

from chalicelib.domain.catalog import NewProduct
from chalicelib.domain.entities import Category, User
from chalicelib.services import catalog, ratings


@pytest.fixture
def product_id(staff_user: User, jackets_category: Category) -> int:
    product = catalog.create_product(
        NewProduct(name="Parka", price=10, category_id=jackets_category.id, stock=3)
    )
    return product.id


def test_a_rating_is_found_by_id_right_after_it_is_created(
    shopper_user: User, product_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    with indexes_frozen(monkeypatch):
        created, _ = ratings.rate(shopper_user, product_id, 4, "Warm")

        assert ratings.get_rating(created.id).comment == "Warm"


def test_a_rating_read_by_id_shows_its_latest_change(
    shopper_user: User, product_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    created, _ = ratings.rate(shopper_user, product_id, 4, "Warm")
    with indexes_frozen(monkeypatch):
        ratings.rate(shopper_user, product_id, 2, "Itchy")

        assert ratings.get_rating(created.id).comment == "Itchy"
