"""Mirrors ``chalicelib.store.categories``: categories in ``table("categories")`` by id,
as ``Category`` objects whose ``version`` is the stored version."""

from __future__ import annotations

import copy
from datetime import UTC

from chalicelib.domain.entities import Category
from chalicelib.domain.storage import ConditionsFailed
from chalicelib.errors import NotFound
from chalicelib.local.memory import core
from chalicelib.local.memory.counters import next_id
from chalicelib.store.categories import CATEGORY, CATEGORY_CHANGED, CATEGORY_HAS_PRODUCTS, PRODUCT

__all__ = ["CATEGORY", "CATEGORY_CHANGED", "CATEGORY_HAS_PRODUCTS", "PRODUCT"]


def _categories() -> dict[int, Category]:
    return core.table("categories")


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
