"""Mirrors ``chalicelib.store.products``: products in ``table("products")`` by id, as
``Product`` objects whose ``version`` is the stored version, with the product count of
their category kept in the same transactions."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC
from decimal import ROUND_CEILING, ROUND_FLOOR
from typing import Any

from pynamodb.constants import NUMBER

from chalicelib.domain.catalog import ProductQuery
from chalicelib.domain.catalog_keys import (
    filter_key,
    price_sort_key,
    search_terms,
    search_text,
)
from chalicelib.domain.entities import Category, Product
from chalicelib.domain.storage import ConditionsFailed, Page, WriteConflict
from chalicelib.errors import Conflict, NotFound
from chalicelib.local.memory import core
from chalicelib.local.memory.counters import next_id
from chalicelib.local.memory.unit_of_work import unit_of_work
from chalicelib.store.models.catalog import ProductRecord
from chalicelib.store.pagination import decode_cursor, encode_cursor, key_types
from chalicelib.store.products import (
    CATEGORY,
    PREVIOUS_CATEGORY,
    PRODUCT,
    PRODUCT_MOVED,
    list_index,
    no_price_in_range,
    only_stock_changed,
    price_bound,
    raise_changed_meanwhile,
    raise_for_category_claim,
    to_record,
)

# The labels, messages and the decisions that read no table are the same in both stores.
__all__ = ["CATEGORY", "PREVIOUS_CATEGORY", "PRODUCT", "PRODUCT_MOVED"]


def _products() -> dict[int, Product]:
    return core.table("products")


def _categories() -> dict[int, Category]:
    return core.table("categories")


def _as_stored(product: Product) -> Product:
    """What a put of ``product`` stores: what ``to_record`` writes (the images orders
    show are added by orders alone), its time in UTC as the store reads it back."""
    return replace(
        copy.deepcopy(product),
        created_at=product.created_at.astimezone(UTC),
        ordered_image_keys=frozenset(),
    )


def _category_has_name(category_id: int, category_name: str) -> bool:
    """The category still exists under the name copied onto the product."""
    category = _categories().get(category_id)
    return category is not None and category.name == category_name


def _count_in_category(category_id: int, change: int) -> None:
    """``ADD product_count``, leaving the category's version alone."""
    category = _categories().get(category_id)
    if category is not None:
        category.product_count += change


def _category_exists(category_id: int) -> bool:
    with core.call("GetItem"):
        return category_id in _categories()


def new_product_id() -> int:
    return next_id("product")


def create_product(product: Product) -> Product:
    """Write the product and count it in its category, in one transaction."""
    stored = _as_stored(product)
    stored.version = (product.version or 0) + 1

    def put() -> None:
        _products()[stored.id] = stored

    try:
        with unit_of_work() as work:
            # A new product has no version: its put requires that.
            work.stage(
                PRODUCT, put, lambda: stored.id not in _products() and product.version is None
            )
            work.stage(
                CATEGORY,
                lambda: _count_in_category(product.category_id, 1),
                lambda: _category_has_name(product.category_id, product.category_name),
            )
    except ConditionsFailed as failed:
        if CATEGORY in failed.labels:
            raise_for_category_claim(
                product.category_id, _category_exists(product.category_id), failed
            )
        raise  # the product id was taken: the id counter is behind, a bug no retry mends
    product.version = stored.version
    return product


def read_products(product_ids: Iterable[int]) -> dict[int, Product]:
    """One BatchGetItem for the stored products among ``product_ids``; no call for none."""
    unique = list(dict.fromkeys(product_ids))
    if not unique:
        return {}
    with core.call("BatchGetItem"):
        products = _products()
        return {pid: copy.deepcopy(products[pid]) for pid in unique if pid in products}


def get_product(product_id: int) -> Product:
    with core.call("GetItem"):
        found = _products().get(product_id)
        if found is None:
            raise NotFound()
        return copy.deepcopy(found)


def _set_stock(updated: Product) -> Product:
    """The stock alone is a count: set without the version, as a sale moves it."""

    def write() -> None:
        _products()[updated.id].stock = updated.stock

    try:
        with unit_of_work() as work:
            work.stage(PRODUCT, write, lambda: updated.id in _products())
    except ConditionsFailed as failed:
        get_product(updated.id)  # NotFound: it was deleted
        raise WriteConflict("the product was deleted and created again") from failed
    return get_product(updated.id)


def update_product(updated: Product, previous: Product) -> Product:
    """Set only the catalog fields, on the version ``previous`` was read at; stock, image
    and category only when this update changes them (see the DynamoDB store's
    ``update_product``); a move moves the category counts with it, in one transaction."""
    if only_stock_changed(updated, previous):
        return _set_stock(updated)
    image_changed = updated.image_key != previous.image_key
    moved = updated.category_id != previous.category_id

    def unchanged_meanwhile() -> bool:
        current = _products().get(previous.id)
        return (
            current is not None
            and current.version == previous.version
            and (not moved or current.category_id == previous.category_id)
            and (not image_changed or _still_names_image(current, previous.image_key))
        )

    def write() -> None:
        current = _products()[previous.id]
        current.name = updated.name
        current.description = updated.description
        current.price = updated.price
        current.color = updated.color
        current.size = updated.size
        if updated.stock != previous.stock:
            current.stock = updated.stock
        if image_changed:
            current.image_key = updated.image_key or None
        if moved:
            current.category_id = updated.category_id
            current.category_name = updated.category_name
        current.version = (previous.version or 0) + 1

    try:
        with unit_of_work() as work:
            work.stage(PRODUCT, write, unchanged_meanwhile)
            if moved:
                work.stage(
                    CATEGORY,
                    lambda: _count_in_category(updated.category_id, 1),
                    lambda: _category_has_name(updated.category_id, updated.category_name),
                )
                work.stage(PREVIOUS_CATEGORY, lambda: _count_in_category(previous.category_id, -1))
    except ConditionsFailed as failed:
        if PRODUCT in failed.labels:
            current = get_product(previous.id)
            raise_changed_meanwhile(previous, current, moved, image_changed, failed)
        raise_for_category_claim(updated.category_id, _category_exists(updated.category_id), failed)
    return get_product(updated.id)


def _still_names_image(current: Product, image_key: str | None) -> bool:
    """The product still names the image being replaced (no image: none at all)."""
    if image_key:
        return current.image_key == image_key
    return current.image_key is None


def _forget(product_id: int) -> None:
    del _products()[product_id]


def delete_product(product: Product) -> None:
    """Delete the product as read (on its version), uncounted from the category it is
    really in. ``WriteConflict`` if it changed or an order copied its image meanwhile."""
    guard_image = bool(product.image_key) and product.image_key not in product.ordered_image_keys

    def unchanged_meanwhile() -> bool:
        current = _products().get(product.id)
        return (
            current is not None
            and current.category_id == product.category_id
            and current.version == product.version
            and not (guard_image and product.image_key in current.ordered_image_keys)
        )

    try:
        with unit_of_work() as work:
            work.stage(PRODUCT, lambda: _forget(product.id), unchanged_meanwhile)
            work.stage(CATEGORY, lambda: _count_in_category(product.category_id, -1))
    except ConditionsFailed as failed:
        if get_product(product.id).category_id != product.category_id:  # NotFound: deleted
            raise Conflict(PRODUCT_MOVED) from failed
        raise WriteConflict("the product changed meanwhile") from failed


# --- lists --------------------------------------------------------------------------------


def _sort_value(serialized: dict[str, Any], range_name: str) -> tuple[int, str]:
    """An index key's sort value, as a tuple that compares like it (numbers as numbers)."""
    ((kind, value),) = serialized[range_name].items()
    return (int(value), "") if kind == NUMBER else (0, str(value))


def _matches(product: Product, query: ProductQuery) -> bool:
    """Every filter of the query, those the index serves included."""
    if query.category_id is not None and product.category_id != query.category_id:
        return False
    for wanted, value in ((query.color, product.color), (query.size, product.size)):
        if wanted is not None and (
            filter_key(value) is None or filter_key(value) != filter_key(wanted)
        ):
            return False
    if query.in_stock is not None and (product.stock > 0) != query.in_stock:
        return False
    if query.search:
        text = search_text(product.name, product.description)
        if not all(term in text for term in search_terms(query.search)):
            return False
    if query.sort_field == "price":
        # The price index's key range, with its bounds rounded inwards to cents.
        key = price_sort_key(product.price, product.id)
        low = price_bound(query.min_price, ROUND_CEILING)
        high = price_bound(query.max_price, ROUND_FLOOR)
        return (low is None or key >= low) and (high is None or key <= f"{high}#~")
    if query.min_price is not None and product.price < query.min_price:
        return False
    return query.max_price is None or product.price <= query.max_price


def list_products(query: ProductQuery) -> Page[Product]:
    """One page of the products the query selects, in the order of the index DynamoDB's
    list reads (the DynamoDB store picks it, and its records give each product's key on
    it), continuing after the cursor's key. Always a full page when that many match
    (DynamoDB's may stop short; both end with no cursor)."""
    index, _, scope, _ = list_index(query)
    names = key_types(ProductRecord, index)
    range_name = next(a.attr_name for a in index.Meta.attributes.values() if a.is_range_key)
    start = None
    if query.cursor is not None:
        start = _sort_value(decode_cursor(scope, query.cursor, names), range_name)
    if no_price_in_range(query):
        return Page([], None)
    with core.call("Query"):
        keys = {
            product.id: to_record(product).serialize()
            for product in _products().values()
            if _matches(product, query)
        }
        sort_values = {pid: _sort_value(key, range_name) for pid, key in keys.items()}
        ordered = sorted(keys, key=sort_values.__getitem__, reverse=not query.ascending)
        if start is not None:
            ordered = [
                pid
                for pid in ordered
                if (sort_values[pid] > start if query.ascending else sort_values[pid] < start)
            ]
        items = [copy.deepcopy(_products()[pid]) for pid in ordered[: query.limit]]
    if len(ordered) <= query.limit:
        return Page(items, None)
    last = keys[items[-1].id]
    return Page(items, encode_cursor(scope, {name: last[name] for name in names}))
