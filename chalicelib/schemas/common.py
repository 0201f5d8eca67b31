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

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PlainSerializer,
    StringConstraints,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from chalicelib.domain.clock import isoformat_z
from chalicelib.domain.numbers import MAX_ID, MAX_SIGNIFICANT_DIGITS, fits_dynamodb, money_text

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


# What the document states about text, as regular expressions that mean the same in
# ECMA-262, Python and Rust (the validators above are the rule; these describe them).
# Unicode category Cc is U+0000-U+001F and U+007F-U+009F.
_CC = r"\x00-\x1f\x7f-\x9f"
_CC_BUT_LINE_BREAKS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
# Whitespace that is not Cc, as str.strip() and Python's \s see it.
_SPACES = r"\x20\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
LINE_PATTERN = rf"^[^{_CC}]*$"
TEXT_PATTERN = rf"^[^{_CC_BUT_LINE_BREAKS}]*$"
NOT_BLANK_LINE_PATTERN = rf"^[^{_CC}]*[^{_CC}{_SPACES}][^{_CC}]*$"
NOT_BLANK_TEXT_PATTERN = rf"^[^{_CC_BUT_LINE_BREAKS}]*[^{_CC}{_SPACES}][^{_CC_BUT_LINE_BREAKS}]*$"
# Surrounding whitespace (Unicode's White_Space, which the validator strips: these and
# tab, line breaks, U+0085) is stripped before the address is checked. U+001C-U+001F,
# whitespace to Python's str.strip() but not to Unicode, stay and are refused.
_STRIPPED = rf"\t\n\x0b\x0c\r\x85{_SPACES}"
_EMAIL_PART = rf"[^@{_CC}{_SPACES}]+"
EMAIL_SCHEMA_PATTERN = rf"^[{_STRIPPED}]*{_EMAIL_PART}@{_EMAIL_PART}\.{_EMAIL_PART}[{_STRIPPED}]*$"
# Money in responses: a decimal string with two places.
MONEY_PATTERN = r"^-?\d+(\.\d{1,2})?$"


# An integer a client sends: an id, a quantity, a count.
Integer = Annotated[
    int,
    BeforeValidator(_not_a_boolean),
    Field(le=MAX_ID, json_schema_extra={"format": "int64"}),
]
# An id that names another record (a product, a category, a cart). Ids are positive, and
# the document says so; a lower one is left to the lookup, which refuses it as it refuses
# any id that names nothing (DRF's 'Invalid pk "0" - object does not exist.', or a 404).
Reference = Annotated[Integer, Field(json_schema_extra={"format": "int64", "minimum": 1})]
# A decimal a client sends (bools are refused by pydantic's Decimal already).
Number = Annotated[Decimal, Field(allow_inf_nan=False), AfterValidator(_fits_dynamodb)]
# One line of text (names, colours, usernames) or free text (descriptions, addresses).
Line = Annotated[str, AfterValidator(_line), Field(json_schema_extra={"pattern": LINE_PATTERN})]
Text = Annotated[str, AfterValidator(_text), Field(json_schema_extra={"pattern": TEXT_PATTERN})]
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True),
    AfterValidator(_line),
    AfterValidator(_email),
    Field(json_schema_extra={"pattern": EMAIL_SCHEMA_PATTERN, "maxLength": 254}),
]
Timestamp = Annotated[
    datetime,
    PlainSerializer(isoformat_z, return_type=str),
    Field(json_schema_extra={"format": "date-time"}),
]
Money = Annotated[
    Decimal,
    PlainSerializer(money_text, return_type=str),
    Field(json_schema_extra={"pattern": MONEY_PATTERN, "format": "decimal"}),
]


def not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("This field may not be blank.")
    return value


NOT_BLANK_MARK = "x-not-blank"
NOT_BLANK_PATTERNS = {
    LINE_PATTERN: NOT_BLANK_LINE_PATTERN,
    TEXT_PATTERN: NOT_BLANK_TEXT_PATTERN,
}


class _NotBlank:
    """Refuses text that is only whitespace; the document says so with a pattern that
    also keeps what the text type allows (one line, or free text with line breaks)."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(not_blank, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        described = handler(schema)
        # The text type's pattern is added after this (field annotations come last): the
        # document builder swaps it for its not-blank form (NOT_BLANK_PATTERNS).
        described["minLength"] = 1
        described[NOT_BLANK_MARK] = True
        return described


NotBlank = _NotBlank()
