"""The product list, its filters, orderings and pages, over one
shelf of products that every test here only reads."""
# ruff: noqa: F811  (test parameters name the fixtures imported from module_tables)

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

# Tables emptied once per module: these fixtures replace the per-test ones of the same names.
from module_tables import api, shopper, staff  # noqa: F401

# name, description, price, stock, color, size, category
SHELF = [
    ("White Jacket", "Warm winter coat", "1400.00", 400, "White", "L", "Jackets"),
    ("Black Boot", "Leather", "99.50", 0, "Black", "42", "Boots"),
    ("Rain Jacket", "Keeps you DRY", "250.00", 3, "Yellow", "M", "Jackets"),
    ("Sandal", "A summer JACKET companion", "20.00", 10, "Black", "42", "Boots"),
    ("Anorak", "", "300.00", 0, "White", "M", "Jackets"),
]


# Each test here works on records of its own, so the module shares one set of tables
# (see tests/api/conftest.py).


@pytest.fixture(scope="module")
def shelf(shared_catalog: Any) -> dict[str, dict[str, Any]]:
    """The products of SHELF by name, created in that order (so ids follow it)."""
    catalog = shared_catalog
    categories = {name: catalog.category(name)["id"] for name in ("Jackets", "Boots")}
    products = {}
    for name, description, price, stock, color, size, category in SHELF:
        products[name] = catalog.product(
            categories[category], name, description=description, price=price, stock=stock,
            color=color, size=size,
        )  # fmt: skip
    return products


def names(reply: Any) -> list[str]:
    assert reply.status == 200, reply.body
    return [product["name"] for product in reply.body]


def test_anyone_lists_the_products_as_a_bare_array_in_id_order(api, shelf):
    reply = api.get("/api/products/")
    assert reply.body == list(shelf.values())
    assert "Link" not in reply.headers


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category=1", ["White Jacket", "Rain Jacket", "Anorak"]),
        ("category=2", ["Black Boot", "Sandal"]),
        ("category=99", []),
        ("min_price=250", ["White Jacket", "Rain Jacket", "Anorak"]),
        ("max_price=250", ["Black Boot", "Rain Jacket", "Sandal"]),
        ("min_price=99.5&max_price=300", ["Black Boot", "Rain Jacket", "Anorak"]),
        ("color=Black", ["Black Boot", "Sandal"]),
        ("size=M", ["Rain Jacket", "Anorak"]),
        ("in_stock=true", ["White Jacket", "Rain Jacket", "Sandal"]),
        ("in_stock=false", ["Black Boot", "Anorak"]),
        ("search=jacket", ["White Jacket", "Rain Jacket", "Sandal"]),
        ("search=dry", ["Rain Jacket"]),
        ("search=WINTER%20COAT", ["White Jacket"]),
        ("search=nothing-like-it", []),
        ("category=1&in_stock=true&color=White", ["White Jacket"]),
    ],
)
def test_a_filter_keeps_only_the_matching_products(api, shelf, query, expected):
    assert names(api.get(f"/api/products/?{query}")) == expected


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("price", ["Sandal", "Black Boot", "Rain Jacket", "Anorak", "White Jacket"]),
        ("-price", ["White Jacket", "Anorak", "Rain Jacket", "Black Boot", "Sandal"]),
        ("name", ["Anorak", "Black Boot", "Rain Jacket", "Sandal", "White Jacket"]),
        ("-name", ["White Jacket", "Sandal", "Rain Jacket", "Black Boot", "Anorak"]),
        ("created_at", ["White Jacket", "Black Boot", "Rain Jacket", "Sandal", "Anorak"]),
        ("-created_at", ["Anorak", "Sandal", "Rain Jacket", "Black Boot", "White Jacket"]),
    ],
)
def test_ordering_sorts_the_list(api, shelf, ordering, expected):
    assert names(api.get(f"/api/products/?ordering={ordering}")) == expected


def test_a_price_range_applies_with_price_ordering(api, shelf):
    reply = api.get("/api/products/?ordering=-price&min_price=99.50&max_price=300")
    assert names(reply) == ["Anorak", "Rain Jacket", "Black Boot"]


def test_empty_filter_values_are_ignored(api, shelf):
    # As django-filter does: an untouched filter form sends its fields empty.
    query = "category=&min_price=&max_price=&color=&size=&in_stock=&search=&ordering=&cursor="
    assert names(api.get(f"/api/products/?{query}")) == [row[0] for row in SHELF]


@pytest.mark.parametrize(
    "query",
    [
        "category=abc", "category=0", "min_price=cheap", "max_price=-1", "min_price=NaN",
        "in_stock=maybe", "ordering=stock", "ordering=-stock", "limit=0", "limit=501",
        "limit=ten", "limit=-5",
    ],
)  # fmt: skip
def test_an_invalid_filter_value_is_400(api, query):
    reply = api.get(f"/api/products/?{query}")
    assert reply.status == 400
    assert list(reply.body) == [query.split("=")[0]]


# --- pages -----------------------------------------------------------------------------


def test_a_page_holds_at_most_limit_products_and_links_to_the_next(api, shelf):
    reply = api.get("/api/products/?limit=2", headers={"Host": "shop.example.com"})
    assert names(reply) == ["White Jacket", "Black Boot"]
    link = reply.headers["Link"]
    assert link.startswith("<http://shop.example.com/api/products/?")
    assert link.endswith('>; rel="next"')


def test_the_next_link_keeps_the_filters_and_limit(api, shelf):
    reply = api.get("/api/products/?limit=1&color=White&ordering=-price")
    query = parse_qs(urlsplit(reply.headers["Link"][1:].split(">")[0]).query)
    assert (query["limit"], query["color"], query["ordering"]) == (["1"], ["White"], ["-price"])
    assert query["cursor"]


def test_the_last_page_has_no_next_link(api, shelf):
    reply = api.get("/api/products/?limit=5")
    assert len(reply.body) == 5
    assert "Link" not in reply.headers


@pytest.mark.parametrize("ordering", ["", "price", "-price", "name", "-name", "-created_at"])
def test_following_the_next_links_gives_every_product_once_in_order(api, shelf, ordering):
    whole = api.get(f"/api/products/?ordering={ordering}" if ordering else "/api/products/")
    paged = api.all_pages(f"/api/products/?limit=2&ordering={ordering}")
    assert [p["id"] for p in paged] == [p["id"] for p in whole.body]
    assert len(paged) == len(SHELF)


def test_a_search_is_complete_across_pages(api, shelf):
    paged = api.all_pages("/api/products/?limit=1&search=jacket")
    assert [product["name"] for product in paged] == ["White Jacket", "Rain Jacket", "Sandal"]


def test_a_limit_of_five_hundred_is_allowed(api, shelf):
    assert len(api.get("/api/products/?limit=500").body) == len(SHELF)


@pytest.mark.parametrize(
    "cursor",
    ["made-up", "eyJzIjoicHJvZHVjdHMtaWQiLCJrIjp7fX0.0000000000000000", "%00", "." * 300],
    ids=["garbage", "forged-digest", "nul", "dots"],
)
def test_a_cursor_that_the_api_did_not_issue_is_400(api, shelf, cursor):
    reply = api.get(f"/api/products/?limit=2&cursor={cursor}")
    assert reply.status == 400
    assert list(reply.body) == ["cursor"]


def cursor_of(reply: Any) -> str:
    return parse_qs(urlsplit(reply.headers["Link"][1:].split(">")[0]).query)["cursor"][0]


def test_a_cursor_from_another_ordering_is_400(api, shelf):
    cursor = cursor_of(api.get("/api/products/?limit=2&ordering=price"))
    reply = api.get(f"/api/products/?limit=2&ordering=name&cursor={cursor}")
    assert reply.status == 400


def test_a_cursor_from_another_list_is_400(api, shelf):
    cursor = cursor_of(api.get("/api/categories/?limit=1"))
    assert api.get(f"/api/products/?cursor={cursor}").status == 400


def test_a_cursor_from_another_categorys_products_is_400(api, shelf):
    cursor = cursor_of(api.get("/api/categories/1/products/?limit=1"))
    assert api.get(f"/api/categories/2/products/?cursor={cursor}").status == 400
