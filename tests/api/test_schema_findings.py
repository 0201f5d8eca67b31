"""What schemathesis (tests/e2e/test_schemathesis.py) found the document or the API got
wrong, each stated as the rule it broke: the document says what the API accepts, no
more and no less, and links every operation that can use what another one returns."""

# ruff: noqa: F811  (test parameters name the fixtures imported from module_tables)

from __future__ import annotations

from typing import Any

import pytest
from helpers import Api

# Tables emptied once per module: these fixtures replace the per-test ones of the same names.
from module_tables import api, shopper  # noqa: F401

ID = "$response.body#/id"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    import app  # noqa: F401  (registers every route)
    from chalicelib.api.openapi import openapi_document

    return openapi_document("http://testserver")


def query_parameter(document: dict[str, Any], path: str, name: str) -> dict[str, Any]:
    parameters = document["paths"][path]["get"]["parameters"]
    return next(p for p in parameters if p["name"] == name)


def form(document: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    content = document["paths"][path][method]["requestBody"]["content"]
    return content["multipart/form-data"]["schema"]


def test_a_price_filter_is_documented_as_decimal_text_of_at_most_38_digits(document):
    schema = query_parameter(document, "/api/products/", "max_price")["schema"]
    decimal, empty = schema["anyOf"]
    assert decimal == {
        "type": "string",
        "format": "decimal",
        "pattern": r"^0*\d{1,8}(\.\d{0,30})?$",
    }
    assert empty == {"type": "string", "maxLength": 0}


def test_a_price_filter_at_its_documented_limits_is_accepted(api: Api):
    reply = api.get("/api/products/?min_price=0&max_price=99999999." + "9" * 30)
    assert reply.status == 200


def test_a_bound_in_a_message_is_written_as_a_number(api: Api):
    reply = api.get("/api/products/?max_price=100000000")
    assert (reply.status, reply.body) == (
        400,
        {"max_price": ["Ensure this value is less than 100000000."]},
    )


def test_a_form_field_is_never_null_and_a_price_is_its_text(document):
    properties = form(document, "/api/products/{product_id}/", "patch")["properties"]
    assert properties["price"] == {
        "type": "string",
        "format": "decimal",
        "pattern": r"^0*\d{1,8}(\.\d{0,2})?$",
    }
    assert not [
        name
        for name, field in properties.items()
        if {"type": "null"} in field.get("anyOf", []) or field.get("type") == "null"
    ]


def test_a_form_sends_the_image_as_a_file(document):
    image = form(document, "/api/categories/", "post")["properties"]["image"]
    assert (image["type"], image["format"], image["contentMediaType"]) == (
        "string",
        "binary",
        "image/*",
    )


def test_a_form_requires_what_the_json_body_requires(document):
    assert form(document, "/api/products/", "post")["required"] == ["name", "price", "category"]


@pytest.mark.parametrize(
    ("model", "field"),
    [
        ("CartItemAdd", "product_id"),
        ("CartQuantityUpdate", "product_id"),
        ("CartItemRemove", "product_id"),
        ("CartMerge", "cart_id"),
        ("ProductCreate", "category"),
        ("OrderItemCreate", "product"),
    ],
)
def test_an_id_in_a_body_is_documented_as_positive(document, model, field):
    assert document["components"]["schemas"][model]["properties"][field]["minimum"] == 1


def test_an_order_is_documented_to_hold_one_to_500_items(document):
    items = document["components"]["schemas"]["OrderCreate"]["properties"]["order_items"]
    assert (items["minItems"], items["maxItems"]) == (1, 500)


def test_if_none_match_takes_any_text(document):
    header = next(
        p
        for p in document["paths"]["/api/products/"]["get"]["parameters"]
        if p["name"] == "If-None-Match"
    )
    assert header["schema"] == {"type": "string"}


def test_a_customers_list_of_users_refuses_a_cursor_it_never_issued(shopper: Api):
    reply = shopper.get("/api/users/?cursor=bWFkZQ.dXA")
    assert (reply.status, reply.body) == (400, {"cursor": ["Invalid cursor."]})


def links(document: dict[str, Any], path: str, status: str = "201") -> dict[str, Any]:
    return document["paths"][path]["post"]["responses"][status]["links"]


def test_a_created_category_links_to_creating_a_product_in_it(document):
    assert links(document, "/api/categories/")["CreateProduct"] == {
        "operationId": "post_api_products",
        "requestBody": {"category": ID},
    }


def test_a_created_product_links_to_rating_ordering_and_adding_it_to_a_cart(document):
    created = links(document, "/api/products/")
    assert created["CreateRating"]["requestBody"] == {"product": ID}
    assert created["AddToCart"]["requestBody"] == {"product_id": ID}
    assert created["OrderProduct"]["requestBody"] == {
        "order_items": [{"product": ID, "quantity": 1}]
    }


def test_a_cart_line_links_to_changing_it_in_the_same_cart(document):
    for status in ("201", "200"):
        line = links(document, "/api/cart/add_item/", status)
        for name in ("UpdateQuantity", "RemoveItem"):
            assert line[name]["parameters"] == {
                "header.X-Cart-Token": "$request.header.X-Cart-Token"
            }
            assert line[name]["requestBody"] == {"product_id": "$response.body#/product"}


def test_a_new_user_links_to_logging_in_with_what_it_signed_up_with(document):
    assert links(document, "/api/users/")["Login"] == {
        "operationId": "post_api_auth_login",
        "requestBody": {
            "username": "$response.body#/username",
            "password": "$request.body#/password",
        },
    }


def test_a_made_up_cursor_is_refused_even_when_the_price_range_is_empty(api: Api):
    reply = api.get("/api/products/?min_price=20&max_price=10&cursor=bWFkZQ.dXA")
    assert (reply.status, reply.body) == (400, {"cursor": ["Invalid cursor."]})
