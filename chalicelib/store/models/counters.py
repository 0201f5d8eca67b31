from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from .base import ShopModel, register


@register
class CounterRecord(ShopModel):
    """One atomic counter per resource type; ids come from ``ADD value 1``."""

    short_name = "counters"

    class Meta:
        table_name = "unbound:counters"

    name = UnicodeAttribute(hash_key=True)
    value = NumberAttribute(default=0)
