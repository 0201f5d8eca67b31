"""The products repository, held equal in both stores: create, read, update, delete, and
the product list's filters, orderings and cursors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from catalog_records import a_category, a_product, edited, written_once
from helpers import INVALID_CURSOR

from chalicelib.domain.catalog import ProductQuery
from chalicelib.domain.entities import Category, Product
from chalicelib.domain.storage import ConditionsFailed, WriteConflict
from chalicelib.errors import Conflict, InvalidInput, NotFound

# --- create and read ----------------------------------------------------------------------


def test_a_created_product_reads_back_as_written_at_version_1(backend: Any) -> None:
    shoes = a_category(backend)
    created = a_product(backend, shoes, stock=3, description="Leather", color="Brown", size="42")

    assert created.version == 1
    assert backend.products.get_product(created.id) == created


def test_product_ids_count_up_and_peek_shows_the_last_one_issued(backend: Any) -> None:
    assert backend.counters.peek("product") == 0

    first, second = backend.products.new_product_id(), backend.products.new_product_id()

    assert (first, second) == (1, 2)
    assert backend.counters.peek("product") == 2


def test_creating_a_product_counts_it_in_its_category_without_its_version(backend: Any) -> None:
    shoes = a_category(backend)

    a_product(backend, shoes)
    a_product(backend, shoes)

    category = backend.categories.get_category(shoes.id)
    assert (category.product_count, category.version) == (2, 1)


def test_creating_a_product_in_a_missing_category_fails_on_category(backend: Any) -> None:
    missing = Category(id=404, name="Gone", created_at=a_category(backend).created_at)

    with pytest.raises(InvalidInput) as refused:
        a_product(backend, missing)

    assert refused.value.errors == {"category": ['Invalid pk "404" - object does not exist.']}


def test_creating_a_product_under_a_stale_category_name_is_a_write_conflict(
    backend: Any,
) -> None:
    shoes = a_category(backend)

    with pytest.raises(WriteConflict):
        a_product(backend, edited_category(shoes, name="Old shoes"))

    assert backend.categories.get_category(shoes.id).product_count == 0


def test_creating_a_product_under_a_taken_id_fails_on_product(backend: Any) -> None:
    shoes = a_category(backend)
    taken = a_product(backend, shoes)

    with pytest.raises(ConditionsFailed) as refused:
        backend.products.create_product(edited(taken, version=None))

    assert refused.value.labels == {"product"}


def test_a_missing_product_is_not_found(backend: Any) -> None:
    with pytest.raises(NotFound):
        backend.products.get_product(404)


def test_read_products_returns_those_that_exist_by_id(backend: Any) -> None:
    shoes = a_category(backend)
    boot, sandal = a_product(backend, shoes, "Boot"), a_product(backend, shoes, "Sandal")

    found = backend.products.read_products([sandal.id, 404, boot.id, sandal.id])

    assert found == {sandal.id: sandal, boot.id: boot}


def test_read_products_of_no_ids_is_empty(backend: Any) -> None:
    assert backend.products.read_products([]) == {}


# --- update -------------------------------------------------------------------------------


def edited_category(category: Category, **changes: Any) -> Category:
    return Category(**{**vars(category), **changes})


def test_an_update_writes_the_catalog_fields_and_raises_the_version(backend: Any) -> None:
    read = a_product(backend, a_category(backend))
    updated = edited(
        read,
        name="Tall boot",
        description="Suede",
        price=Decimal("12.5"),
        color="Black",
        size="43",
        stock=7,
        image_key="products/boot.png",
    )

    written = backend.products.update_product(updated, read)

    assert written == edited(updated, version=2)
    assert backend.products.get_product(read.id) == written


def test_an_update_leaves_fields_other_than_the_catalog_fields(backend: Any) -> None:
    read = a_product(backend, a_category(backend))
    updated = edited(read, name="Tall boot", category_name="Not a copy", rating_count=5)

    written = backend.products.update_product(updated, read)

    assert (written.category_name, written.rating_count) == (read.category_name, 0)


def test_a_stock_only_update_sets_the_stock_and_leaves_the_version(backend: Any) -> None:
    read = a_product(backend, a_category(backend), stock=5)

    written = backend.products.update_product(edited(read, stock=2), read)

    assert (written.stock, written.version) == (2, 1)


def test_an_update_that_leaves_the_stock_keeps_a_stock_set_meanwhile(backend: Any) -> None:
    read = a_product(backend, a_category(backend), stock=5)
    backend.products.update_product(edited(read, stock=2), read)

    written = backend.products.update_product(edited(read, name="Tall boot"), read)

    assert (written.name, written.stock, written.version) == ("Tall boot", 2, 2)


def test_an_update_on_a_stale_version_is_a_write_conflict(backend: Any) -> None:
    read = a_product(backend, a_category(backend))
    backend.products.update_product(edited(read, name="First"), read)

    with pytest.raises(WriteConflict):
        backend.products.update_product(edited(read, name="Second"), read)

    assert backend.products.get_product(read.id).name == "First"


def test_an_update_of_a_deleted_product_is_not_found(backend: Any) -> None:
    read = a_product(backend, a_category(backend))
    backend.products.delete_product(read)

    with pytest.raises(NotFound):
        backend.products.update_product(edited(read, name="Tall boot"), read)


def test_a_stock_only_update_of_a_deleted_product_is_not_found(backend: Any) -> None:
    read = a_product(backend, a_category(backend))
    backend.products.delete_product(read)

    with pytest.raises(NotFound):
        backend.products.update_product(edited(read, stock=9), read)


def test_moving_a_product_copies_the_name_and_moves_the_counts(backend: Any) -> None:
    shoes, hats = a_category(backend, "Shoes"), a_category(backend, "Hats")
    read = a_product(backend, shoes)

    written = backend.products.update_product(
        edited(read, category_id=hats.id, category_name="Hats"), read
    )

    assert (written.category_id, written.category_name, written.version) == (hats.id, "Hats", 2)
    counts = [backend.categories.get_category(c.id).product_count for c in (shoes, hats)]
    assert counts == [0, 1]


def test_moving_a_product_to_a_missing_category_fails_on_category(backend: Any) -> None:
    read = a_product(backend, a_category(backend))

    with pytest.raises(InvalidInput) as refused:
        backend.products.update_product(edited(read, category_id=404, category_name="Gone"), read)

    assert refused.value.errors == {"category": ['Invalid pk "404" - object does not exist.']}


def test_moving_a_product_under_a_stale_category_name_is_a_write_conflict(backend: Any) -> None:
    shoes, hats = a_category(backend, "Shoes"), a_category(backend, "Hats")
    read = a_product(backend, shoes)

    with pytest.raises(WriteConflict):
        backend.products.update_product(
            edited(read, category_id=hats.id, category_name="Caps"), read
        )

    assert backend.products.get_product(read.id).category_id == shoes.id


def test_moving_a_product_moved_meanwhile_is_a_conflict(backend: Any) -> None:
    shoes, hats, bags = (a_category(backend, name) for name in ("Shoes", "Hats", "Bags"))
    read = a_product(backend, shoes)
    backend.products.update_product(edited(read, category_id=hats.id, category_name="Hats"), read)
    moved = backend.products.get_product(read.id)

    with pytest.raises(Conflict) as refused:
        backend.products.update_product(
            edited(moved, category_id=bags.id, category_name="Bags"), read
        )

    assert refused.value.detail == backend.products.PRODUCT_MOVED


def test_replacing_an_image_replaced_meanwhile_is_a_conflict(backend: Any) -> None:
    read = a_product(backend, a_category(backend), image_key="products/a.png")
    backend.products.update_product(edited(read, image_key="products/b.png"), read)
    current = backend.products.get_product(read.id)

    with pytest.raises(Conflict):
        backend.products.update_product(
            edited(current, image_key="products/c.png"), edited(current, image_key="products/a.png")
        )

    assert backend.products.get_product(read.id).image_key == "products/b.png"


def test_an_update_to_no_image_removes_it(backend: Any) -> None:
    read = a_product(backend, a_category(backend), image_key="products/a.png")

    written = backend.products.update_product(edited(read, image_key=None), read)

    assert written.image_key is None


# --- delete -------------------------------------------------------------------------------


def test_deleting_a_product_uncounts_it_from_its_category(backend: Any) -> None:
    shoes = a_category(backend)
    read = a_product(backend, shoes)

    backend.products.delete_product(read)

    with pytest.raises(NotFound):
        backend.products.get_product(read.id)
    assert backend.categories.get_category(shoes.id).product_count == 0


def test_deleting_a_product_changed_meanwhile_is_a_write_conflict(backend: Any) -> None:
    read = a_product(backend, a_category(backend))
    backend.products.update_product(edited(read, name="Tall boot"), read)

    with pytest.raises(WriteConflict):
        backend.products.delete_product(read)


def test_deleting_a_product_moved_meanwhile_is_a_conflict(backend: Any) -> None:
    shoes, hats = a_category(backend, "Shoes"), a_category(backend, "Hats")
    read = a_product(backend, shoes)
    backend.products.update_product(edited(read, category_id=hats.id, category_name="Hats"), read)

    with pytest.raises(Conflict):
        backend.products.delete_product(read)


def test_deleting_a_deleted_product_is_not_found(backend: Any) -> None:
    read = a_product(backend, a_category(backend))
    backend.products.delete_product(read)

    with pytest.raises(NotFound):
        backend.products.delete_product(read)


# --- lists --------------------------------------------------------------------------------


def write_catalog(store: Any) -> dict[str, Product]:
    """Four products in two categories, by name."""
    shoes, hats = a_category(store, "Shoes"), a_category(store, "Hats")
    return {
        product.name: product
        for product in (
            a_product(store, shoes, "boot", price=Decimal("30"), color="Brown", size="L", stock=2),
            a_product(
                store, hats, "Cap", price=Decimal("10"), color="brown", description="Wool, red"
            ),
            a_product(store, shoes, "Sandal", price=Decimal("20"), size="l", stock=1),
            a_product(store, hats, "Beret", price=Decimal("10"), color="Red", stock=4),
        )
    }


@pytest.fixture
def catalog(
    backend: Any, request: pytest.FixtureRequest, saved_emulator_catalog: dict[str, Any]
) -> dict[str, Product]:
    return written_once(
        request.node.callspec.params["backend"],
        saved_emulator_catalog,
        lambda: write_catalog(backend),
    )


def names(store: Any, query: ProductQuery) -> list[str]:
    """The names of every product of the list, page after page."""
    found: list[str] = []
    while True:
        page = store.products.list_products(query)
        found += [product.name for product in page.items]
        if page.next_cursor is None:
            return found
        query = ProductQuery(**{**vars(query), "cursor": page.next_cursor})


def test_the_product_list_pages_by_id_by_default(backend: Any, catalog: dict[str, Product]) -> None:
    first = backend.products.list_products(ProductQuery(limit=3))
    last = backend.products.list_products(ProductQuery(limit=3, cursor=first.next_cursor))

    assert [p.name for p in first.items] == ["boot", "Cap", "Sandal"]
    assert first.items[0] == catalog["boot"]
    assert ([p.name for p in last.items], last.next_cursor) == (["Beret"], None)


def test_the_last_full_page_has_no_cursor(backend: Any, catalog: dict[str, Product]) -> None:
    assert backend.products.list_products(ProductQuery(limit=4)).next_cursor is None


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("price", ["Cap", "Beret", "Sandal", "boot"]),
        ("-price", ["boot", "Sandal", "Beret", "Cap"]),
        ("name", ["Beret", "boot", "Cap", "Sandal"]),
        ("-name", ["Sandal", "Cap", "boot", "Beret"]),
        ("created_at", ["boot", "Cap", "Sandal", "Beret"]),
        ("-created_at", ["Beret", "Sandal", "Cap", "boot"]),
    ],
)
def test_each_ordering_pages_in_its_order(
    backend: Any, catalog: dict[str, Product], ordering: str, expected: list[str]
) -> None:
    assert names(backend, ProductQuery(limit=1, ordering=ordering)) == expected


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"category_id": 1}, ["boot", "Sandal"]),
        ({"min_price": Decimal("15")}, ["boot", "Sandal"]),
        ({"max_price": Decimal("20")}, ["Cap", "Sandal", "Beret"]),
        ({"min_price": Decimal("10.001"), "ordering": "price"}, ["Sandal", "boot"]),
        ({"max_price": Decimal("19.999"), "ordering": "-price"}, ["Beret", "Cap"]),
        ({"color": "BROWN"}, ["boot", "Cap"]),
        ({"size": "l", "ordering": "-name"}, ["Sandal", "boot"]),
        ({"in_stock": True}, ["boot", "Sandal", "Beret"]),
        ({"in_stock": False}, ["Cap"]),
        ({"search": "RE"}, ["Cap", "Beret"]),
        ({"search": "wool red"}, ["Cap"]),
        ({"color": "brown", "size": "L", "category_id": 1}, ["boot"]),
        ({"category_id": 2, "in_stock": True, "ordering": "name"}, ["Beret"]),
    ],
    ids=str,
)
def test_each_filter_selects_its_products(
    backend: Any, catalog: dict[str, Product], filters: dict[str, Any], expected: list[str]
) -> None:
    assert names(backend, ProductQuery(limit=2, **filters)) == expected


def test_an_empty_price_range_is_an_empty_last_page(
    backend: Any, catalog: dict[str, Product]
) -> None:
    query = ProductQuery(limit=2, min_price=Decimal("10.001"), max_price=Decimal("10.009"))

    page = backend.products.list_products(query)

    assert (page.items, page.next_cursor) == ([], None)


def test_a_made_up_product_cursor_is_invalid(backend: Any, catalog: dict[str, Product]) -> None:
    with pytest.raises(InvalidInput) as refused:
        backend.products.list_products(ProductQuery(limit=2, cursor="bm90.YQ"))

    assert refused.value.errors == INVALID_CURSOR


@pytest.mark.parametrize(
    ("issued_for", "used_for"),
    [
        ({}, {"ordering": "price"}),
        ({"ordering": "name"}, {"ordering": "-name"}),
        ({"category_id": 1}, {"category_id": 2}),
        ({"color": "brown"}, {"size": "brown"}),
        ({"in_stock": True}, {"in_stock": False}),
    ],
    ids=str,
)
def test_a_cursor_of_another_list_is_invalid(
    backend: Any, catalog: dict[str, Product], issued_for: dict[str, Any], used_for: dict[str, Any]
) -> None:
    cursor = backend.products.list_products(ProductQuery(limit=1, **issued_for)).next_cursor

    with pytest.raises(InvalidInput) as refused:
        backend.products.list_products(ProductQuery(limit=1, cursor=cursor, **used_for))

    assert refused.value.errors == INVALID_CURSOR


def test_a_made_up_cursor_is_invalid_even_for_an_empty_price_range(backend: Any) -> None:
    query = ProductQuery(limit=2, cursor="bm90.YQ", min_price=Decimal(5), max_price=Decimal(4))

    with pytest.raises(InvalidInput):
        backend.products.list_products(query)
