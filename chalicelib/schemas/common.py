"""Field types shared by the request and response schemas.

Request fields are checked as DRF's fields check them, and against what DynamoDB can
store, so that no value a client sends can make a write or a query fail with a 500:

* integers refuse JSON ``true``/``false`` (Python counts them as 1 and 0) and stay within
  ``MAX_ID``; decimals must fit a DynamoDB number (38 significant digits);
* text refuses NUL ("Null characters are not allowed.", DRF's message) and every other
  control character (Unicode category Cc); multi-line text keeps tab, line feed and
  carriage return.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer, StringConstraints

from chalicelib.domain.clock import isoformat_z
from chalicelib.domain.numbers import MAX_ID, MAX_SIGNIFICANT_DIGITS, fits_dynamodb

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NOT_AN_INTEGER = "A valid integer is required."
NULL_CHARACTERS = "Null characters are not allowed."
CONTROL_CHARACTERS = "Control characters are not allowed."
LINE_BREAKS = frozenset("\t\n\r")


def _not_a_boolean(value: Any) -> Any:
    # JSON true/false would otherwise count as 1/0.
    if isinstance(value, bool):
        raise ValueError(NOT_AN_INTEGER)
    return value


def _fits_dynamodb(value: Decimal) -> Decimal:
    if not fits_dynamodb(value):
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -130:
            raise ValueError("Ensure that there are no more than 130 decimal places.")
        raise ValueError(
            f"Ensure that there are no more than {MAX_SIGNIFICANT_DIGITS} digits in total."
        )
    # "-0" is zero: stored and shown without its sign.
    return value.copy_abs() if value.is_zero() else value


def _control_characters(value: str, allowed: frozenset[str] = frozenset()) -> str:
    if "\x00" in value:
        raise ValueError(NULL_CHARACTERS)
    if any(unicodedata.category(c) == "Cc" and c not in allowed for c in value):
        raise ValueError(CONTROL_CHARACTERS)
    return value


def _line(value: str) -> str:
    return _control_characters(value)


def _text(value: str) -> str:
    return _control_characters(value, LINE_BREAKS)


def _email(value: str) -> str:
    if len(value) > 254 or not EMAIL_PATTERN.match(value):
        raise ValueError("Enter a valid email address.")
    return value


def money_text(value: Decimal) -> str:
    shown = value.quantize(Decimal("0.01"))
    return f"{shown.copy_abs() if shown.is_zero() else shown}"


# An integer a client sends: an id, a quantity, a count.
Integer = Annotated[int, BeforeValidator(_not_a_boolean), Field(le=MAX_ID)]
# A decimal a client sends (bools are refused by pydantic's Decimal already).
Number = Annotated[Decimal, Field(allow_inf_nan=False), AfterValidator(_fits_dynamodb)]
# One line of text (names, colours, usernames) or free text (descriptions, addresses).
Line = Annotated[str, AfterValidator(_line)]
Text = Annotated[str, AfterValidator(_text)]
Email = Annotated[
    str, StringConstraints(strip_whitespace=True), AfterValidator(_line), AfterValidator(_email)
]
Timestamp = Annotated[datetime, PlainSerializer(isoformat_z, return_type=str)]
Money = Annotated[Decimal, PlainSerializer(money_text, return_type=str)]


def not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("This field may not be blank.")
    return value


NotBlank = AfterValidator(not_blank)
