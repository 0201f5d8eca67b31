"""Attribute types PynamoDB lacks."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pynamodb.attributes import Attribute
from pynamodb.constants import NUMBER, STRING

from chalicelib.domain.clock import isoformat_z, parse_isoformat_z


class DecimalAttribute(Attribute[Decimal]):
    """A DynamoDB number kept as ``Decimal`` both ways (NumberAttribute would give floats)."""

    attr_type = NUMBER

    def serialize(self, value: Decimal) -> str:
        return str(value)

    def deserialize(self, value: Any) -> Decimal:
        return Decimal(value)


class TimestampAttribute(Attribute[datetime]):
    """An ISO 8601 UTC string with microseconds, which also sorts chronologically."""

    attr_type = STRING

    def serialize(self, value: datetime) -> str:
        return isoformat_z(value)

    def deserialize(self, value: Any) -> datetime:
        return parse_isoformat_z(value)
