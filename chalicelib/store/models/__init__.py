"""PynamoDB models: the storage shape of every table. Importing this registers them all."""

from .accounts import LookupRecord, SessionRecord, UserRecord
from .base import ShopModel, all_models, bind_models, shared_connection
from .catalog import CategoryRecord, ProductRecord
from .counters import CounterRecord

__all__ = [
    "CategoryRecord",
    "CounterRecord",
    "LookupRecord",
    "ProductRecord",
    "SessionRecord",
    "ShopModel",
    "UserRecord",
    "all_models",
    "bind_models",
    "shared_connection",
]
