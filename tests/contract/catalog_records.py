"""Categories and products written through a store's own repositories, for the catalog
contract tests (the same calls against either store)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from chalicelib.domain.entities import Category, Product

CREATED = datetime(2025, 4, 17, 13, 22, 25, 166148, tzinfo=UTC)


def a_category(store: Any, name: str = "Shoes", image_key: str | None = None) -> Category:
    return store.categories.create_category(
        Category(
            id=store.categories.new_category_id(),
            name=name,
            created_at=CREATED,
            image_key=image_key,
        )
    )


def a_product(store: Any, category: Category, name: str = "Boot", **fields: Any) -> Product:
    product_id = store.products.new_product_id()
    values: dict[str, Any] = {
        "price": Decimal("10.00"),
        "created_at": CREATED + timedelta(seconds=product_id),
        **fields,
    }
    return store.products.create_product(
        Product(
            id=product_id,
            name=name,
            category_id=category.id,
            category_name=category.name,
            **values,
        )
    )


def edited(product: Product, **changes: Any) -> Product:
    return replace(product, **changes)


def written_once[CatalogT](
    backend_name: str, saved: dict[str, Any], write: Callable[[], CatalogT]
) -> CatalogT:
    """What ``write`` wrote, for tests that only read it: the in-memory store writes it
    for each test in microseconds; the emulator's is written once per module (``saved``,
    a module-scoped dict) and put back for each test, since a dozen writes over HTTP each
    time would cost most of the module's run."""
    from chalicelib.services.storage import DYNAMODB

    if backend_name != DYNAMODB:
        return write()
    if not saved:
        from emptied import saved_store

        saved.update(catalog=write(), restore=saved_store())
    else:
        saved["restore"]()
    catalog: CatalogT = saved["catalog"]
    return catalog
