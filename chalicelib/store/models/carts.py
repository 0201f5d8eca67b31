from __future__ import annotations

from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection

from .attributes import TimestampAttribute
from .base import ShopModel, register


class CartLineMap(MapAttribute[str, object]):
    id = NumberAttribute()
    product_id = NumberAttribute()
    quantity = NumberAttribute()
    created_at = TimestampAttribute()
    updated_at = TimestampAttribute()


class CartsById(GlobalSecondaryIndex["CartRecord"]):
    """Only for merge: tells a user's cart (403) from an unknown one (404) by its id."""

    class Meta:
        index_name = "carts_by_id"
        projection = KeysOnlyProjection()

    id = NumberAttribute(hash_key=True)


@register
class CartRecord(ShopModel):
    """One item per cart, keyed by its owner (``user#<user id>`` or ``guest#<cart id>``),
    so a request finds its cart with one read. The lines live inside the item: 50 lines
    keep it a few kilobytes."""

    short_name = "carts"

    class Meta:
        table_name = "unbound:carts"

    owner = UnicodeAttribute(hash_key=True)
    id = NumberAttribute()
    user_id = NumberAttribute(null=True)
    token_hash = UnicodeAttribute(null=True)
    lines = ListAttribute(of=CartLineMap, default=list)
    created_at = TimestampAttribute()
    updated_at = TimestampAttribute()
    # Guest carts only; DynamoDB deletes lazily, so expiry is also checked on every read.
    expires_at = TTLAttribute(null=True)
    # Every change is a whole-item put conditioned on the version it read.
    version = VersionAttribute()

    by_id = CartsById()
