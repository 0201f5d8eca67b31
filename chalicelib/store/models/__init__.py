"""PynamoDB models: the storage shape of every table. Importing this registers them all."""

from .accounts import LookupRecord, SessionRecord, UserRecord
from .base import ShopModel, all_models, bind_models, shared_connection
from .carts import CartRecord
from .catalog import CategoryRecord, ProductRecord
from .counters import CounterRecord
from .orders import IdempotencyRecord, OrderRecord
from .ratings import RatingRecord

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
