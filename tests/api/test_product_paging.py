"""List pages over catalogs built for one test each."""

from __future__ import annotations


def test_an_empty_catalog_is_an_empty_list_without_a_next_link(api):
    reply = api.get("/api/products/")
    assert (reply.status, reply.body) == (200, [])
    assert "Link" not in reply.headers


def test_a_filtered_list_is_complete_across_pages_even_when_pages_are_short(api, catalog):
    # A filter no index serves bounds the work per page, so a page may hold fewer
    # matches than the limit; the next links must still lead to every match.
    category = catalog.category("Jackets")["id"]
    red = []
    for number in range(12):
        color = "Red" if number % 4 == 1 else "Blue"
        product = catalog.product(category, f"Product {number}", color=color)
        if color == "Red":
            red.append(product["id"])
    paged = api.all_pages("/api/products/?limit=2&color=Red")
    assert [product["id"] for product in paged] == red


def test_the_default_page_holds_one_hundred_products(api, catalog):
    catalog.many_products(catalog.category("Bulk"), 101)
    first = api.get("/api/products/")
    assert len(first.body) == 100
    assert [p["name"] for p in api.next_page(first).body] == ["P100"]
