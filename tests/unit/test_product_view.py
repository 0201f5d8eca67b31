"""Product responses are plain dicts built without pydantic (a cold product read then
builds no model); they must be exactly what the documented schema, ProductPublic,
serialises them as."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from chalicelib.api.products import product_view
from chalicelib.api.responses import json_text
from chalicelib.domain.entities import Product
from chalicelib.schemas.catalog import ProductPublic

PRODUCTS = {
    "plain": Product(
        1, "White Jacket", Decimal("1400"), 2, "Jackets", datetime(2025, 4, 17, tzinfo=UTC)
    ),
    "unicode, rated, with an image": Product(
        18, "Parka «été» 🧥", Decimal("99999999.99"), 3, "Vêtements",
        datetime(2025, 4, 17, 13, 22, 25, 166148, tzinfo=UTC), stock=7,
        description="Line one\nline two", color="Blue", size="XL",
        image_key="products/18/a.png", rating_sum=13, rating_count=3,
    ),
    "free, with a price read as -0": Product(
        3, "Sticker", Decimal("-0.000"), 2, "Jackets", datetime(2025, 1, 1, tzinfo=UTC)
    ),
}  # fmt: skip


@pytest.mark.parametrize("product", PRODUCTS.values(), ids=PRODUCTS.keys())
def test_a_product_view_has_exactly_the_documented_fields(product):
    assert set(product_view(product)) == set(ProductPublic.model_fields)


@pytest.mark.parametrize("product", PRODUCTS.values(), ids=PRODUCTS.keys())
def test_a_product_view_is_written_as_the_documented_model_writes_it(product):
    view = product_view(product)

    assert json_text(view) == ProductPublic.model_validate(view).model_dump_json()


def test_an_average_rating_is_a_number_rounded_to_two_places():
    rated = PRODUCTS["unicode, rated, with an image"]

    assert product_view(rated)["average_rating"] == 4.33
    assert json_text(product_view(PRODUCTS["plain"])["average_rating"]) == "0.0"
