"""Mirrors ``chalicelib.store.products``: products in ``table("products")`` by id, as
``Product`` objects whose ``version`` is the stored version, with the product count of
their category kept in the same transactions."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC
from decimal import Decimal
from typing import NoReturn

from chalicelib.domain.entities import Category, Product
from chalicelib.domain.references import unknown_reference
from chalicelib.domain.storage import ConditionsFailed, WriteConflict
from chalicelib.errors import InvalidInput, NotFound
from chalicelib.local.memory import core
from chalicelib.local.memory.counters import next_id
from chalicelib.local.memory.unit_of_work import unit_of_work
from chalicelib.store.products import CATEGORY, PREVIOUS_CATEGORY, PRODUCT, PRODUCT_MOVED

__all__ = ["CATEGORY", "PREVIOUS_CATEGORY", "PRODUCT", "PRODUCT_MOVED"]


def _products() -> dict[int, Product]:
    return core.table("products")


def _categories() -> dict[int, Category]:
    return core.table("categories")


def stored_number(value: Decimal) -> Decimal:
    """``value`` as DynamoDB gives a number back: without trailing zeros or exponent."""
    normalized = value.normalize()
    exponent = normalized.as_tuple().exponent
    return (
        normalized.quantize(Decimal(1))
        if isinstance(exponent, int) and exponent > 0
        else normalized
    )


def _as_stored(product: Product) -> Product:
    """What a put of ``product`` stores: what ``to_record`` writes, numbers and times as
    DynamoDB reads them back (the images orders show are added by orders alone)."""
    return replace(
        copy.deepcopy(product),
        price=stored_number(product.price),
        created_at=product.created_at.astimezone(UTC),
        ordered_image_keys=frozenset(),
    )


def _unknown_category(category_id: int) -> InvalidInput:
    return unknown_reference("category", [category_id])


def _category_has_name(category_id: int, category_name: str) -> bool:
    """The category still exists under the name copied onto the product."""
    category = _categories().get(category_id)
    return category is not None and category.name == category_name


def _count_in_category(category_id: int, change: int) -> None:
    """``ADD product_count``, leaving the category's version alone."""
    category = _categories().get(category_id)
    if category is not None:
        category.product_count += change


def _category_claim_failed(category_id: int, error: Exception) -> NoReturn:
    """A missing category is the caller's mistake; a renamed one means the name copied
    onto the product is stale, and the use case reads again."""
    with core.call("GetItem"):
        exists = category_id in _categories()
    if not exists:
        raise _unknown_category(category_id) from error
    raise WriteConflict("the category was renamed meanwhile") from error


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
            _category_claim_failed(product.category_id, failed)
        raise  # the product id was taken: the id counter is behind, a bug no retry mends
    product.version = stored.version
    return product


def read_products(product_ids: Iterable[int]) -> dict[int, Product]:
    """The products that exist among ``product_ids``, in one BatchGetItem (none when
    there is nothing to read)."""
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
