"""PynamoDB models: the storage shape of every table.

A model's module is imported when one of its names is first used, so that a cold start
which serves a catalog read does not define the tables of users, carts and orders as
well. ``all_models()`` imports them all.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .base import ShopModel, bind_models, registered_models, shared_connection

if TYPE_CHECKING:
    from .accounts import LookupRecord, SessionRecord, UserRecord
    from .carts import CartRecord
    from .catalog import CategoryRecord, ProductRecord
    from .counters import CounterRecord
    from .orders import IdempotencyRecord, OrderRecord
    from .ratings import RatingRecord

MODULE_OF_MODEL = {
    "LookupRecord": "accounts",
    "SessionRecord": "accounts",
    "UserRecord": "accounts",
    "CartRecord": "carts",
    "CategoryRecord": "catalog",
    "ProductRecord": "catalog",
    "CounterRecord": "counters",
    "IdempotencyRecord": "orders",
    "OrderRecord": "orders",
    "RatingRecord": "ratings",
}

__all__ = [
    "CartRecord",
    "CategoryRecord",
    "CounterRecord",
    "IdempotencyRecord",
    "LookupRecord",
    "OrderRecord",
    "ProductRecord",
    "RatingRecord",
    "SessionRecord",
    "ShopModel",
    "UserRecord",
    "all_models",
    "bind_models",
    "shared_connection",
]


def __getattr__(name: str) -> Any:
    if name not in MODULE_OF_MODEL:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    model = getattr(importlib.import_module(f".{MODULE_OF_MODEL[name]}", __name__), name)
    globals()[name] = model
    return model


def all_models() -> list[type[ShopModel]]:
    for module in sorted(set(MODULE_OF_MODEL.values())):
        importlib.import_module(f".{module}", __name__)
    return registered_models()
