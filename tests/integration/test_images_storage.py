"""Images in the bucket follow the records that name them: stored before the record is
written, deleted when it stops naming them, and never left behind by a failure."""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from helpers import bucket_keys
from sample_images import image_bytes, png

from chalicelib.api.media import public_url
from chalicelib.config import get_settings
from chalicelib.domain.catalog import CategoryChanges, NewProduct, ProductChanges
from chalicelib.domain.entities import Category, Product, User
from chalicelib.domain.images import REMOVE, ImageChange, ImageUpload
from chalicelib.errors import Conflict, InvalidInput, ServiceUnavailable
from chalicelib.services import catalog
from chalicelib.store import products as product_store

Concurrently = Callable[[Sequence[Callable[[], Any]]], list[Any]]


def upload(name: str = "cowsorus.png", content: bytes | None = None) -> ImageUpload:
    return ImageUpload(name, png() if content is None else content)


def new_product(staff: User, category: Category, image: ImageUpload | None = None) -> Product:
    fields = NewProduct(name="Parka", price=Decimal("99.00"), category_id=category.id)
    return catalog.create_product(fields, image)


def test_a_product_image_is_stored_under_products_with_a_fresh_name(
    staff_user: User, jackets_category: Category
) -> None:
    product = new_product(staff_user, jackets_category, upload("cowsorus.png"))

    assert product.image_key is not None
    assert re.fullmatch(r"products/cowsorus_[A-Za-z0-9]{7}\.png", product.image_key)
    assert bucket_keys() == [product.image_key]


def test_the_public_url_serves_the_stored_bytes(
    staff_user: User, jackets_category: Category
) -> None:
    content = image_bytes("JPEG")
    product = new_product(staff_user, jackets_category, upload("photo.jpeg", content))

    url = public_url(product.image_key)
    assert url is not None
    with urllib.request.urlopen(url, timeout=10) as response:
        assert (response.read(), response.headers["Content-Type"]) == (content, "image/jpeg")


def test_a_category_image_is_stored_under_categories(staff_user: User) -> None:
    category = catalog.create_category("Hats", upload("hats.gif", image_bytes("GIF")))

    assert bucket_keys() == [category.image_key]
    assert str(category.image_key).startswith("categories/hats_")


def test_an_invalid_image_stores_nothing_and_creates_nothing(
    staff_user: User, jackets_category: Category
) -> None:
    with pytest.raises(InvalidInput):
        new_product(staff_user, jackets_category, upload("evil.png", b"MZ\x90\x00 not an image"))

    assert bucket_keys() == []
    assert catalog.get_category(jackets_category.id).product_count == 0


def test_replacing_an_image_deletes_the_old_object(
    staff_user: User, jackets_category: Category
) -> None:
    product = new_product(staff_user, jackets_category, upload("old.png"))

    updated = catalog.update_product(product.id, ProductChanges(), ImageChange(upload("new.png")))

    assert bucket_keys() == [updated.image_key]
    assert str(updated.image_key).startswith("products/new_")


def test_removing_an_image_deletes_its_object(staff_user: User, jackets_category: Category) -> None:
    product = new_product(staff_user, jackets_category, upload())

    updated = catalog.update_product(product.id, ProductChanges(), REMOVE)

    assert (updated.image_key, bucket_keys()) == (None, [])


def test_an_update_without_an_image_change_keeps_the_image(
    staff_user: User, jackets_category: Category
) -> None:
    product = new_product(staff_user, jackets_category, upload())

    updated = catalog.update_product(product.id, ProductChanges(name="Long parka"))

    assert (updated.image_key, bucket_keys()) == (product.image_key, [product.image_key])


def test_deleting_a_product_deletes_its_image(staff_user: User, jackets_category: Category) -> None:
    product = new_product(staff_user, jackets_category, upload())

    catalog.delete_product(product.id)

    assert bucket_keys() == []


def test_replacing_and_removing_a_category_image_and_deleting_the_category_leave_no_object(
    staff_user: User,
) -> None:
    hats = catalog.create_category("Hats", upload("a.png"))
    replaced = catalog.update_category(hats.id, CategoryChanges(), ImageChange(upload("b.png")))
    assert bucket_keys() == [replaced.image_key]

    assert catalog.update_category(hats.id, CategoryChanges(), REMOVE).image_key is None
    assert bucket_keys() == []

    catalog.update_category(hats.id, CategoryChanges(), ImageChange(upload("c.png")))
    catalog.delete_category(hats.id)
    assert bucket_keys() == []


def test_a_failed_image_write_leaves_the_product_unchanged(
    staff_user: User, jackets_category: Category, monkeypatch: pytest.MonkeyPatch
) -> None:
    product = new_product(staff_user, jackets_category, upload("old.png"))
    monkeypatch.setattr(get_settings(), "media_bucket", "no-such-bucket")

    with pytest.raises(ServiceUnavailable):
        catalog.update_product(product.id, ProductChanges(name="Renamed"), ImageChange(upload()))

    monkeypatch.undo()
    stored = catalog.get_product(product.id)
    assert (stored.name, stored.image_key) == ("Parka", product.image_key)
    assert bucket_keys() == [product.image_key]


def test_a_failed_record_write_deletes_the_new_image(
    staff_user: User, jackets_category: Category, monkeypatch: pytest.MonkeyPatch
) -> None:
    def database_down(*args: Any) -> None:
        raise ServiceUnavailable()

    monkeypatch.setattr(product_store, "create_product", database_down)

    with pytest.raises(ServiceUnavailable):
        new_product(staff_user, jackets_category, upload())

    assert bucket_keys() == []


def test_a_refused_update_deletes_the_new_image_and_keeps_the_old(
    staff_user: User, jackets_category: Category
) -> None:
    product = new_product(staff_user, jackets_category, upload("old.png"))

    with pytest.raises(InvalidInput):
        catalog.update_product(product.id, ProductChanges(category_id=999), ImageChange(upload()))

    assert bucket_keys() == [product.image_key]


def test_an_update_from_a_stale_read_cannot_replace_an_image_replaced_meanwhile(
    staff_user: User, jackets_category: Category
) -> None:
    product = new_product(staff_user, jackets_category, upload("first.png"))
    stale = product_store.get_product(product.id)
    current = catalog.update_product(
        product.id, ProductChanges(), ImageChange(upload("second.png"))
    )

    with pytest.raises(Conflict):
        product_store.update_product(replace(stale, image_key="products/third.png"), stale)
    assert catalog.get_product(product.id).image_key == current.image_key


def test_concurrent_image_replacements_leave_only_the_winners_object(
    staff_user: User, jackets_category: Category, concurrently: Concurrently
) -> None:
    product = new_product(staff_user, jackets_category, upload("first.png"))

    concurrently(
        [
            lambda name=name: catalog.update_product(
                product.id, ProductChanges(), ImageChange(upload(name))
            )
            for name in ("a.png", "b.png", "c.png", "d.png")
        ]
    )

    assert bucket_keys() == [catalog.get_product(product.id).image_key]
