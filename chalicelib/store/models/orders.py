from __future__ import annotations

from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from .attributes import DecimalAttribute, TimestampAttribute
from .base import ShopModel, register

ORDER_SCOPE = "O"


class OrderItemMap(MapAttribute[str, object]):
    """A copy of the product as it was sold: name, image and unit price."""

    id = NumberAttribute()
    product_id = NumberAttribute()
    product_name = UnicodeAttribute()
    product_image_key = UnicodeAttribute(null=True)
    quantity = NumberAttribute()
    price = DecimalAttribute()


class OrdersByUser(GlobalSecondaryIndex["OrderRecord"]):
    """A user's orders, newest first (ids increase with time)."""

    class Meta:
        index_name = "orders_by_user"
        projection = AllProjection()

    user_id = NumberAttribute(hash_key=True)
    id = NumberAttribute(range_key=True)


class OrdersById(GlobalSecondaryIndex["OrderRecord"]):
    """Every order, for the staff listing."""

    class Meta:
        index_name = "orders_by_id"
        projection = AllProjection()

    scope = UnicodeAttribute(hash_key=True)
    id = NumberAttribute(range_key=True)


@register
class OrderRecord(ShopModel):
    short_name = "orders"

    class Meta:
        table_name = "unbound:orders"

    id = NumberAttribute(hash_key=True)
    scope = UnicodeAttribute(default=ORDER_SCOPE)
    user_id = NumberAttribute()
    user_name = UnicodeAttribute()
    status = UnicodeAttribute()
    shipping_address = UnicodeAttribute()
    total_price = DecimalAttribute()
    items = ListAttribute(of=OrderItemMap, default=list)
    created_at = TimestampAttribute()
    # Every change (status, address, delete) is conditioned on the version it read (absent
    # on orders written before versions existed, conditioned as "no version yet").
    version = VersionAttribute(null=True)

    by_user = OrdersByUser()
    by_id = OrdersById()


@register
class IdempotencyRecord(ShopModel):
    """The first answer to a request carrying ``Idempotency-Key``, written in the same
    transaction as the order it created. ``key`` is ``<user id>#<sha256 of the key>``."""

    short_name = "idempotency_keys"

    class Meta:
        table_name = "unbound:idempotency_keys"

    key = UnicodeAttribute(hash_key=True)
    request_hash = UnicodeAttribute()
    order_id = NumberAttribute()
    status = NumberAttribute()
    body = UnicodeAttribute()
    created_at = TimestampAttribute()
    expires_at = TTLAttribute()
