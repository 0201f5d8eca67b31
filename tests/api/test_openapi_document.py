"""The OpenAPI document states what the API enforces (tests/e2e/test_schemathesis.py
holds the API to it)."""

from __future__ import annotations

import json
from typing import Any

import pytest

PYTHON_CONSTRAINT_NAMES = ('"ge"', '"le"', '"gt"', '"lt"', '"decimal_places"', '"max_length"')


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    """The document /api/schema/ serves (tests/api/test_health.py fetches it over HTTP)."""
    import app  # noqa: F401  (registers every route)
    from chalicelib.api.openapi import openapi_document

    return openapi_document("http://testserver")


def test_no_constraint_keeps_a_python_name(document):
    text = json.dumps(document)
    assert not [name for name in PYTHON_CONSTRAINT_NAMES if f"{name}:" in text]


def test_integers_state_their_bounds(document):
    stock = document["components"]["schemas"]["ProductCreate"]["properties"]["stock"]
    assert (stock["minimum"], stock["maximum"]) == (0, 2_147_483_647)


def test_prices_state_their_bounds_and_decimal_string_form(document):
    price = document["components"]["schemas"]["ProductCreate"]["properties"]["price"]
    number, text = price["anyOf"]
    assert (number["minimum"], number["exclusiveMaximum"]) == (0, 100_000_000)
    assert text["pattern"] == r"^0*\d{1,8}(\.\d{0,2})?$"


def test_money_in_responses_is_a_decimal_string(document):
    price = document["components"]["schemas"]["ProductPublic"]["properties"]["price"]
    assert price["pattern"] == r"^-?\d+(\.\d{1,2})?$"


def test_names_may_not_be_blank_nor_hold_control_characters(document):
    name = document["components"]["schemas"]["CategoryCreate"]["properties"]["name"]
    assert (name["minLength"], name["maxLength"]) == (1, 100)
    assert "\\x00-\\x1f" in name["pattern"]


def test_the_cursor_is_an_opaque_string_of_bounded_length(document):
    parameters = document["paths"]["/api/products/"]["get"]["parameters"]
    cursor = next(p for p in parameters if p["name"] == "cursor")
    assert cursor["schema"]["anyOf"][0]["maxLength"] == 2048


def test_bodies_with_required_fields_are_required_and_a_patch_body_is_not(document):
    paths = document["paths"]
    assert paths["/api/products/"]["post"]["requestBody"]["required"] is True
    assert paths["/api/products/{product_id}/"]["patch"]["requestBody"]["required"] is False


def test_every_operation_documents_415_and_503_with_retry_after(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert {"415", "503"} <= set(operation["responses"]), (method, path)
            assert "Retry-After" in operation["responses"]["503"]["headers"]


def test_a_400_is_field_errors_or_a_detail(document):
    bad_request = document["components"]["schemas"]["BadRequest"]["anyOf"]
    assert {"$ref": "#/components/schemas/FieldErrors"} in bad_request
    assert {"$ref": "#/components/schemas/Detail"} in bad_request


def test_catalog_reads_document_304_and_etag(document):
    read = document["paths"]["/api/products/{product_id}/"]["get"]
    assert "304" in read["responses"]
    assert "ETag" in read["responses"]["200"]["headers"]
    assert "If-None-Match" in {p["name"] for p in read["parameters"]}


def test_login_documents_429_with_retry_after(document):
    responses = document["paths"]["/api/auth/login/"]["post"]["responses"]
    assert "Retry-After" in responses["429"]["headers"]


def test_a_created_order_links_to_its_operations(document):
    links = document["paths"]["/api/orders/"]["post"]["responses"]["201"]["links"]
    assert links["GetOrders"] == {
        "operationId": "get_api_orders_{order_id}",
        "parameters": {"order_id": "$response.body#/id"},
    }


def test_a_guest_cart_token_links_to_the_cart_operations(document):
    links = document["paths"]["/api/cart/guest/"]["post"]["responses"]["201"]["links"]
    assert links["GetItems"]["parameters"] == {"header.X-Cart-Token": "$response.body#/cart_token"}


def test_every_link_names_an_operation_of_the_document(document):
    operation_ids = {
        operation["operationId"]
        for operations in document["paths"].values()
        for operation in operations.values()
    }
    targets = {
        link["operationId"]
        for operations in document["paths"].values()
        for operation in operations.values()
        for response in operation["responses"].values()
        for link in response.get("links", {}).values()
    }
    assert targets and targets <= operation_ids
