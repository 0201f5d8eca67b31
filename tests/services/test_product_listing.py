"""Product lists: every ordering pages through every product once, in order, for the whole
catalog and for one category; filters and price ranges narrow them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from helpers import expected_order

from chalicelib.domain.catalog import NewProduct, ProductQuery
from chalicelib.domain.entities import Category, Product
from chalicelib.errors import InvalidInput
from chalicelib.services.catalog import create_category, create_product, list_products

# Equal prices and names (also differing only in case), and names where one begins another,
# so that the tie-breaks and the key encoding are exercised.
CATALOG = [
    ("Rain Jacket", "19.99", 0, "Yellow", "S", "Waterproof shell"),
    ("jacket", "10.00", 5, "Blue", "M", "Plain"),
    ("Jacket blue", "10.00", 3, "Blue", "L", "Denim"),
    ("Wool Scarf", "4.50", 12, "Grey", "", "Soft merino"),
    ("Boots", "54.00", 1, "Brown", "43", "Leather boots"),
    ("JACKET", "20.00", 0, "White", "M", "For cool evenings"),
    ("Anorak", "20.01", 2, "Blue", "M", "Hooded"),
    ("boots", "9.99", 7, "Black", "42", "Trail runners"),
    ("Cap", "0.00", 9, "Grey", "", "A free cap"),
    ("Jacket!", "10.00", 4, "Red", "S", "Bright"),
]
PRICES_FROM_10_TO_20 = ["10.00", "10.00", "10.00", "19.99", "20.00"]
ORDERINGS = ["created_at", "-created_at", "price", "-price", "name", "-name", None]


@pytest.fixture
def products(jackets_category: Category) -> list[Product]:
    """The catalog, every other product in a second category (written for each test: in
    memory it costs about a millisecond)."""
    other = create_category("Other")
    created = []
    for number, (name, price, stock, color, size, description) in enumerate(CATALOG):
        fields = NewProduct(
            name=name,
            price=Decimal(price),
            stock=stock,
            color=color,
            size=size,
            description=description,
            category_id=jackets_category.id if number % 2 == 0 else other.id,
        )
        created.append(create_product(fields))
    return created


def every_page(limit: int = 3, **criteria: Any) -> list[Product]:
    listed: list[Product] = []
    cursor = None
    for _ in range(50):
        page = list_products(ProductQuery(limit=limit, cursor=cursor, **criteria))
        assert len(page.items) <= limit
        listed += page.items
        cursor = page.next_cursor
        if cursor is None:
            return listed
    raise AssertionError("the pages never end")


def ids(products: list[Product]) -> list[int]:
    return [product.id for product in products]


@pytest.mark.parametrize("ordering", ORDERINGS)
def test_the_catalog_pages_through_every_product_once_in_order(
    products: list[Product], ordering: str | None
) -> None:
    assert ids(every_page(ordering=ordering)) == expected_order(products, ordering)


@pytest.mark.parametrize("ordering", ORDERINGS)
def test_a_category_pages_through_its_products_once_in_order(
    products: list[Product], jackets_category: Category, ordering: str | None
) -> None:
    own = [product for product in products if product.category_id == jackets_category.id]

    listed = every_page(ordering=ordering, category_id=jackets_category.id)

    assert ids(listed) == expected_order(own, ordering)


def test_a_page_as_long_as_the_rest_has_no_next_page(products: list[Product]) -> None:
    page = list_products(ProductQuery(limit=len(products)))

    assert (len(page.items), page.next_cursor) == (len(products), None)


def test_a_page_one_short_of_the_rest_has_a_next_page(products: list[Product]) -> None:
    page = list_products(ProductQuery(limit=len(products) - 1))

    assert page.next_cursor is not None


def test_an_empty_catalog_is_one_empty_page() -> None:
    page = list_products(ProductQuery(limit=5))

    assert (page.items, page.next_cursor) == ([], None)


def test_a_cursor_of_one_ordering_is_refused_by_another(products: list[Product]) -> None:
    cursor = list_products(ProductQuery(limit=2, ordering="price")).next_cursor

    with pytest.raises(InvalidInput) as refused:
        list_products(ProductQuery(limit=2, ordering="name", cursor=cursor))
    assert set(refused.value.errors) == {"cursor"}


def test_a_catalog_cursor_is_refused_by_a_category_list(
    products: list[Product], jackets_category: Category
) -> None:
    cursor = list_products(ProductQuery(limit=2)).next_cursor

    with pytest.raises(InvalidInput):
        list_products(ProductQuery(limit=2, category_id=jackets_category.id, cursor=cursor))


@pytest.mark.parametrize("ordering", ORDERINGS)
def test_a_price_range_includes_both_bounds(products: list[Product], ordering: str | None) -> None:
    listed = every_page(ordering=ordering, min_price=Decimal("10"), max_price=Decimal("20"))

    assert sorted(product.price for product in listed) == [Decimal(p) for p in PRICES_FROM_10_TO_20]


@pytest.mark.parametrize("ordering", ["price", "-price"])
def test_a_price_range_keeps_the_price_order(products: list[Product], ordering: str) -> None:
    listed = every_page(ordering=ordering, min_price=Decimal("9.99"), max_price=Decimal("20"))
    in_range = [product for product in products if Decimal("9.99") <= product.price <= 20]

    assert ids(listed) == expected_order(in_range, ordering)


@pytest.mark.parametrize("ordering", ORDERINGS)
def test_a_minimum_price_alone_excludes_cheaper_products(
    products: list[Product], ordering: str | None
) -> None:
    listed = every_page(ordering=ordering, min_price=Decimal("20"))

    assert sorted(product.price for product in listed) == [
        Decimal("20.00"),
        Decimal("20.01"),
        Decimal("54.00"),
    ]


@pytest.mark.parametrize("ordering", ORDERINGS)
def test_a_maximum_price_alone_excludes_dearer_products(
    products: list[Product], ordering: str | None
) -> None:
    listed = every_page(ordering=ordering, max_price=Decimal("4.50"))

    assert sorted(product.price for product in listed) == [Decimal("0.00"), Decimal("4.50")]


@pytest.mark.parametrize("ordering", ORDERINGS)
def test_a_minimum_between_cents_excludes_the_cent_below(
    products: list[Product], ordering: str | None
) -> None:
    listed = every_page(ordering=ordering, min_price=Decimal("19.991"), max_price=Decimal("20"))

    assert [product.price for product in listed] == [Decimal("20.00")]


@pytest.mark.parametrize("ordering", ORDERINGS)
def test_a_maximum_between_cents_excludes_the_cent_above(
    products: list[Product], ordering: str | None
) -> None:
    listed = every_page(ordering=ordering, min_price=Decimal("19.99"), max_price=Decimal("19.999"))

    assert [product.price for product in listed] == [Decimal("19.99")]


@pytest.mark.parametrize("ordering", ORDERINGS)
def test_a_minimum_above_the_maximum_lists_nothing(
    products: list[Product], ordering: str | None
) -> None:
    assert every_page(ordering=ordering, min_price=Decimal("30"), max_price=Decimal("10")) == []


def test_the_color_filter_matches_exactly(products: list[Product]) -> None:
    listed = every_page(color="Blue")

    assert {product.name for product in listed} == {"jacket", "Jacket blue", "Anorak"}


def test_the_size_filter_matches_exactly(products: list[Product]) -> None:
    assert {product.name for product in every_page(size="M")} == {"jacket", "JACKET", "Anorak"}


def test_in_stock_lists_only_products_with_stock(products: list[Product]) -> None:
    listed = every_page(in_stock=True)

    assert len(listed) == 8 and all(product.stock > 0 for product in listed)


def test_out_of_stock_lists_only_products_without_stock(products: list[Product]) -> None:
    assert {product.name for product in every_page(in_stock=False)} == {"Rain Jacket", "JACKET"}


def test_search_matches_the_name_whatever_the_case(products: list[Product]) -> None:
    listed = every_page(search="JACK")

    assert len(listed) == 5


def test_search_matches_the_description(products: list[Product]) -> None:
    assert {product.name for product in every_page(search="merino")} == {"Wool Scarf"}


def test_filters_combine(products: list[Product], jackets_category: Category) -> None:
    listed = every_page(
        category_id=jackets_category.id, color="Blue", in_stock=True, ordering="-price", limit=1
    )

    assert [product.name for product in listed] == ["Anorak", "Jacket blue"]


@pytest.mark.parametrize("ordering", ORDERINGS)
def test_filtered_pages_still_list_every_match_once(
    products: list[Product], ordering: str | None
) -> None:
    listed = every_page(limit=2, ordering=ordering, color="Grey", min_price=Decimal("1"))

    assert [product.name for product in listed] == ["Wool Scarf"]
