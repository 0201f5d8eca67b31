"""The categories and images repositories, held equal in both stores."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from catalog_records import a_category, a_product
from helpers import INVALID_CURSOR

from chalicelib.domain.catalog import ProductQuery
from chalicelib.domain.storage import WriteConflict
from chalicelib.errors import Conflict, InvalidInput, NotFound


def test_a_created_category_reads_back_as_written_at_version_1(backend: Any) -> None:
    created = a_category(backend, "Shoes", image_key="categories/shoes.png")

    assert (created.version, created.product_count) == (1, 0)
    assert backend.categories.get_category(created.id) == created


def test_category_ids_count_up_from_1(backend: Any) -> None:
    ids = [backend.categories.new_category_id() for _ in range(2)]

    assert ids == [1, 2]
    assert backend.counters.peek("category") == 2


def test_a_missing_category_is_not_found(backend: Any) -> None:
    with pytest.raises(NotFound):
        backend.categories.get_category(404)


def test_the_category_list_pages_by_id(backend: Any) -> None:
    created = [a_category(backend, name) for name in ("Shoes", "Hats", "Bags")]

    first = backend.categories.list_categories(2, None)
    last = backend.categories.list_categories(2, first.next_cursor)

    assert first.items == created[:2]
    assert (last.items, last.next_cursor) == (created[2:], None)


def test_the_last_full_page_of_categories_has_no_cursor(backend: Any) -> None:
    a_category(backend, "Shoes")

    assert backend.categories.list_categories(1, None).next_cursor is None


def test_a_made_up_category_cursor_is_invalid(backend: Any) -> None:
    with pytest.raises(InvalidInput) as refused:
        backend.categories.list_categories(2, "bm90.YQ")

    assert refused.value.errors == INVALID_CURSOR


def test_a_product_list_cursor_is_invalid_for_categories(backend: Any) -> None:
    shoes = a_category(backend)
    a_product(backend, shoes, "Boot")
    a_product(backend, shoes, "Sandal")
    cursor = backend.products.list_products(ProductQuery(limit=1)).next_cursor

    with pytest.raises(InvalidInput) as refused:
        backend.categories.list_categories(1, cursor)

    assert refused.value.errors == INVALID_CURSOR


def test_an_update_writes_name_and_image_and_raises_the_version(backend: Any) -> None:
    read = a_category(backend, "Shoes")
    a_product(backend, read)
    updated = replace(read, name="Footwear", image_key="categories/new.png")

    written = backend.categories.update_category(updated, read)

    assert written == replace(updated, product_count=1, version=2)
    assert backend.categories.get_category(read.id) == written


def test_an_update_to_no_image_removes_it(backend: Any) -> None:
    read = a_category(backend, image_key="categories/old.png")

    written = backend.categories.update_category(replace(read, image_key=None), read)

    assert written.image_key is None


def test_an_update_on_a_stale_version_is_a_write_conflict(backend: Any) -> None:
    read = a_category(backend, "Shoes")
    backend.categories.update_category(replace(read, name="First"), read)

    with pytest.raises(WriteConflict):
        backend.categories.update_category(replace(read, name="Second"), read)


def test_replacing_an_image_replaced_meanwhile_is_a_conflict(backend: Any) -> None:
    read = a_category(backend, image_key="categories/a.png")
    backend.categories.update_category(replace(read, image_key="categories/b.png"), read)
    current = backend.categories.get_category(read.id)

    with pytest.raises(Conflict) as refused:
        backend.categories.update_category(
            replace(current, image_key="categories/c.png"),
            replace(current, image_key="categories/a.png"),
        )

    assert refused.value.detail == backend.categories.CATEGORY_CHANGED


def test_an_update_of_a_missing_category_is_not_found(backend: Any) -> None:
    read = a_category(backend)
    backend.categories.delete_category(read.id)

    with pytest.raises(NotFound):
        backend.categories.update_category(replace(read, name="Footwear"), read)


def test_copying_the_name_renames_its_products_and_leaves_their_versions(backend: Any) -> None:
    shoes, hats = a_category(backend, "Shoes"), a_category(backend, "Hats")
    boot, cap = a_product(backend, shoes, "Boot"), a_product(backend, hats, "Cap")
    renamed = backend.categories.update_category(replace(shoes, name="Footwear"), shoes)

    backend.categories.copy_name_to_products(renamed)

    assert backend.products.get_product(boot.id) == replace(boot, category_name="Footwear")
    assert backend.products.get_product(cap.id) == cap


def test_copying_a_name_renamed_again_meanwhile_copies_nothing(backend: Any) -> None:
    shoes = a_category(backend, "Shoes")
    boot = a_product(backend, shoes, "Boot")
    first = backend.categories.update_category(replace(shoes, name="Footwear"), shoes)
    backend.categories.update_category(replace(first, name="Boots"), first)

    backend.categories.copy_name_to_products(first)

    assert backend.products.get_product(boot.id).category_name == "Shoes"


def test_deleting_an_empty_category_removes_it_whatever_its_version(backend: Any) -> None:
    read = a_category(backend)
    backend.categories.update_category(replace(read, name="Footwear"), read)

    backend.categories.delete_category(read.id)

    with pytest.raises(NotFound):
        backend.categories.get_category(read.id)


def test_deleting_a_category_with_products_is_a_conflict(backend: Any) -> None:
    shoes = a_category(backend)
    a_product(backend, shoes)

    with pytest.raises(Conflict) as refused:
        backend.categories.delete_category(shoes.id)

    assert refused.value.detail == "Cannot delete a category that still has products."


def test_deleting_a_category_whose_products_were_deleted_succeeds(backend: Any) -> None:
    shoes = a_category(backend)
    backend.products.delete_product(a_product(backend, shoes))

    backend.categories.delete_category(shoes.id)


def test_deleting_a_missing_category_is_not_found(backend: Any) -> None:
    with pytest.raises(NotFound):
        backend.categories.delete_category(404)


# --- images -------------------------------------------------------------------------------


def test_image_folders_are_named_as_in_the_bucket_policy(backend: Any) -> None:
    folders = (backend.images.CATEGORY_FOLDER, backend.images.PRODUCT_FOLDER)

    assert folders == ("categories", "products")


def test_an_image_stored_can_be_deleted(backend: Any) -> None:
    backend.images.put_image("products/boot.png", b"\x89PNG", "image/png")

    backend.images.delete_image("products/boot.png")


def test_deleting_a_missing_image_succeeds(backend: Any) -> None:
    backend.images.delete_image("products/never-stored.png")
