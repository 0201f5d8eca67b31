"""What a DynamoDB number can hold.

DynamoDB stores numbers of at most 38 significant digits, with magnitudes from 1E-130 to
9.9999999999999999999999999999999999999E+125; anything else is a ValidationException
(the emulator accepts them, so nothing but this check stands between such a value and a
500). Every number a client sends is checked against these bounds before any call.
"""

from __future__ import annotations

from decimal import Decimal

MAX_SIGNIFICANT_DIGITS = 38
SMALLEST_MAGNITUDE = Decimal("1E-130")
LARGEST_MAGNITUDE = Decimal("9.9999999999999999999999999999999999999E+125")
# The largest integer every id, quantity and count of this API may be: far beyond any real
# one, and well inside both DynamoDB's 38 digits and JavaScript's exact integers.
MAX_ID = 999_999_999_999_999_999  # 18 digits


def fits_dynamodb(value: Decimal) -> bool:
    """Whether DynamoDB can store ``value`` exactly."""
    if not value.is_finite():
        return False
    if value.is_zero():
        return True
    # Not ``normalize()``: it rounds to the context's 28 digits, hiding the excess.
    digits = "".join(map(str, value.as_tuple().digits)).strip("0")
    if len(digits) > MAX_SIGNIFICANT_DIGITS:
        return False
    return SMALLEST_MAGNITUDE <= abs(value) <= LARGEST_MAGNITUDE


def money_text(value: Decimal) -> str:
    """Money as responses show it: a decimal string with two places (never ``-0.00``)."""
    shown = value.quantize(Decimal("0.01"))
    return f"{shown.copy_abs() if shown.is_zero() else shown}"
