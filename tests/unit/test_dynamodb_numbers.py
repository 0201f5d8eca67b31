"""What a DynamoDB number can hold: 38 significant digits, magnitudes 1E-130 to 1E+126."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chalicelib.domain.numbers import fits_dynamodb


@pytest.mark.parametrize(
    "value",
    ["0", "-0", "1", "1" * 38, "1" * 38 + "000", "0.01", "1E-130", "9.99E+125", "1.50"],
)
def test_numbers_dynamodb_stores(value: str) -> None:
    assert fits_dynamodb(Decimal(value))


@pytest.mark.parametrize(
    "value", ["1" * 39, "1." + "1" * 38, "1E-131", "1E+126", "NaN", "Infinity", "-Infinity"]
)
def test_numbers_dynamodb_refuses(value: str) -> None:
    assert not fits_dynamodb(Decimal(value))
