"""PynamoDB models: the storage shape of every table.

Each repository imports the modules of the tables it uses
(``from chalicelib.store.models.catalog import ProductRecord``), so a cold start that
serves a catalog read does not define the tables of users, carts and orders as well.
``all_models()`` imports them all.
"""

from __future__ import annotations

import importlib

from .base import ShopModel, bind_models, registered_models, shared_connection

# The modules of the table models, one per resource.
MODEL_MODULES = ("accounts", "carts", "catalog", "counters", "orders", "ratings")

__all__ = ["ShopModel", "all_models", "bind_models", "shared_connection"]


def all_models() -> list[type[ShopModel]]:
    for module in MODEL_MODULES:
        importlib.import_module(f".{module}", __name__)
    return registered_models()
