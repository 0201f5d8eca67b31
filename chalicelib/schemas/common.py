"""Field types shared by the request and response schemas."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, PlainSerializer, StringConstraints

from chalicelib.domain.clock import isoformat_z

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _email(value: str) -> str:
    if len(value) > 254 or not EMAIL_PATTERN.match(value):
        raise ValueError("Enter a valid email address.")
    return value


def money_text(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


Email = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_email)]
Timestamp = Annotated[datetime, PlainSerializer(isoformat_z, return_type=str)]
Money = Annotated[Decimal, PlainSerializer(money_text, return_type=str)]


def not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("This field may not be blank.")
    return value


NotBlank = AfterValidator(not_blank)
