"""Mirrors ``chalicelib.store.categories``: categories in ``table("categories")`` by id,
as ``Category`` objects whose ``version`` is the stored version."""

from __future__ import annotations

import copy
from datetime import UTC
from functools import partial

from chalicelib.domain.entities import Category, Product
from chalicelib.domain.storage import ConditionsFailed, Page, WriteConflict
from chalicelib.errors import Conflict, NotFound
from chalicelib.local.memory import core
from chalicelib.local.memory.counters import next_id
from chalicelib.local.memory.pages import id_ordered_page
from chalicelib.local.memory.unit_of_work import UnitOfWork
from chalicelib.store.categories import (
    CATEGORY,
    CATEGORY_CHANGED,
    CATEGORY_HAS_PRODUCTS,
    PRODUCT,
    to_record,
)
from chalicelib.store.models.catalog import CategoryRecord
from chalicelib.store.pagination import key_types

__all__ = ["CATEGORY", "CATEGORY_CHANGED", "CATEGORY_HAS_PRODUCTS", "PRODUCT"]


# The cursor of the category list: the key of the ``categories_by_id`` index.


def _categories() -> dict[int, Category]:
    return core.table("categories")


def _products() -> dict[int, Product]:
    return core.table("products")


def new_category_id() -> int:
    return next_id("category")


def create_category(category: Category) -> Category:
    with core.call("PutItem"):
        # A new category has no version: its put requires that, and stores version 1.
        if category.id in _categories() or category.version is not None:
            raise ConditionsFailed(frozenset({CATEGORY}))
        category.version = 1
        stored = copy.deepcopy(category)
        stored.created_at = stored.created_at.astimezone(UTC)
        _categories()[category.id] = stored
    return category


def get_category(category_id: int) -> Category:
    with core.call("GetItem"):
        found = _categories().get(category_id)
        if found is None:
            raise NotFound()
        return copy.deepcopy(found)


def list_categories(limit: int, cursor: str | None) -> Page[Category]:
    """By id, ``limit`` at a time; the cursor continues after the last id served."""
    return id_ordered_page(
        lambda: _categories().values(),
        id_of=lambda category: category.id,
        record_of=to_record,
        scope="categories",
        key_names=key_types(CategoryRecord, CategoryRecord.by_id),
        limit=limit,
        cursor=cursor,
    )


def update_category(category: Category, previous: Category) -> Category:
    """Store name and image on the version ``previous`` was read at (``WriteConflict``
    when it changed meanwhile); the image only when it changes, and only while the
    category still names the one being replaced (``Conflict``)."""
    image_changed = category.image_key != previous.image_key
    with core.call("UpdateItem"):
        current = _categories().get(category.id)
        written = (
            current is not None
            and current.version == previous.version
            and (not image_changed or _still_names_image(current, previous.image_key))
        )
        if current is not None and written:
            current.name = category.name
            if image_changed:
                current.image_key = category.image_key or None
            current.version = (previous.version or 0) + 1
            return copy.deepcopy(current)
    now = get_category(category.id)  # raises NotFound when it is gone
    if image_changed and now.image_key != previous.image_key:
        raise Conflict(CATEGORY_CHANGED)
    raise WriteConflict("the category was changed meanwhile")


def _still_names_image(current: Category, image_key: str | None) -> bool:
    if image_key:
        return current.image_key == image_key
    return current.image_key is None


def copy_name_to_products(category: Category) -> None:
    """Give every product of the category that shows another name this one, each while
    the category still has this name (a late copy of an older rename stops); the
    products' versions stay."""
    with core.call("Query"):
        stale = sorted(
            product.id
            for product in _products().values()
            if product.category_id == category.id and product.category_name != category.name
        )
    for product_id in stale:
        work = UnitOfWork()
        work.check(CATEGORY, lambda: _has_name(category.id, category.name))
        work.stage(
            PRODUCT,
            partial(_copy_name, product_id, category.name),
            partial(_in_category, product_id, category.id),
        )
        try:
            work.commit()
        except ConditionsFailed as failed:
            if CATEGORY in failed.labels:
                return  # renamed again (or deleted) meanwhile: that write copies its name
            # The product moved to another category or was deleted: nothing to copy.


def _has_name(category_id: int, name: str) -> bool:
    current = _categories().get(category_id)
    return current is not None and current.name == name


def _in_category(product_id: int, category_id: int) -> bool:
    product = _products().get(product_id)
    return product is not None and product.category_id == category_id


def _copy_name(product_id: int, name: str) -> None:
    _products()[product_id].category_name = name


def delete_category(category_id: int) -> None:
    """Refused while products belong to it (``Conflict``), whatever its version."""
    with core.call("DeleteItem"):
        current = _categories().get(category_id)
        deleted = current is not None and not current.product_count
        if deleted:
            del _categories()[category_id]
    if not deleted:
        get_category(category_id)  # raises NotFound when it is gone
        raise Conflict(CATEGORY_HAS_PRODUCTS)
