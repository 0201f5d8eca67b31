"""Creating, reading, changing and deleting products. Every test works
on a category and products of its own, so the module shares one set of tables."""
# ruff: noqa: F811  (test parameters name the fixtures imported from module_tables)

from __future__ import annotations

from typing import Any

import pytest
from helpers import NOT_FOUND, TIMESTAMP

# Tables emptied once per module: these fixtures replace the per-test ones of the same names.
from module_tables import api, shopper, staff  # noqa: F401

PRODUCT_FIELDS = {
    "id", "name", "description", "price", "image", "category", "stock", "color", "size",
    "category_name", "average_rating", "created_at",
}  # fmt: skip


# Each test here works on records of its own, so the module shares one set of tables
# (see tests/api/conftest.py).


@pytest.fixture
def detailed_jacket(catalog: Any, jackets: dict[str, Any]) -> dict[str, Any]:
    """A jacket with every optional field set (description "Warm", 400 in stock), so a
    change that drops one shows."""
    return catalog.product(
        jackets["id"], "White Jacket", description="Warm", color="White", size="L", stock=400
    )


def create(staff: Any, category_id: int, **fields: Any) -> Any:
    body = {"name": "White Jacket", "price": "1400.00", "category": category_id, **fields}
    return staff.post("/api/products/", body)


# --- creating --------------------------------------------------------------------------


def test_staff_create_a_product(staff, jackets):
    reply = create(staff, jackets["id"], description="Warm", stock=400, color="White", size="L")
    assert reply.status == 201
    assert set(reply.body) >= PRODUCT_FIELDS
    expected = {
        "name": "White Jacket", "description": "Warm", "price": "1400.00", "image": None,
        "category": jackets["id"], "stock": 400, "color": "White", "size": "L",
        "category_name": "Jackets", "average_rating": 0,
    }  # fmt: skip
    assert {name: reply.body[name] for name in expected} == expected


def test_a_new_product_has_an_iso_timestamp_and_no_rating(staff, jackets):
    body = create(staff, jackets["id"]).body
    assert TIMESTAMP.match(body["created_at"])
    assert body["average_rating"] == 0


def test_optional_product_fields_default_to_empty(staff, jackets):
    body = create(staff, jackets["id"]).body
    assert (body["description"], body["color"], body["size"], body["stock"]) == ("", "", "", 0)


@pytest.mark.parametrize(
    ("sent", "shown"),
    [(1400, "1400.00"), ("19.9", "19.90"), (19.99, "19.99"), ("0", "0.00"),
     ("99999999.99", "99999999.99")],
    ids=["integer", "one-decimal", "json-float", "zero", "largest"],
)  # fmt: skip
def test_a_price_is_shown_as_a_string_with_two_decimals(staff, jackets, sent, shown):
    reply = create(staff, jackets["id"], price=sent)
    assert (reply.status, reply.body["price"]) == (201, shown)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""), ("name", "   "), ("name", "x" * 201), ("name", None),
        ("price", "-0.01"), ("price", "1.005"), ("price", "100000000"), ("price", "abc"),
        ("price", "NaN"), ("price", "Infinity"), ("price", None),
        ("stock", -1), ("stock", 1.5), ("stock", "many"),
        ("category", 999999), ("category", "abc"), ("category", None),
        ("color", "x" * 51), ("size", "x" * 51),
    ],
)  # fmt: skip
def test_an_invalid_product_field_is_named(staff, jackets, field, value):
    reply = create(staff, jackets["id"], **{field: value})
    assert reply.status == 400
    assert list(reply.body) == [field]


@pytest.mark.parametrize("field", ["name", "price", "category"])
def test_a_missing_required_product_field_is_named(staff, jackets, field):
    body = {"name": "White Jacket", "price": "1400.00", "category": jackets["id"]}
    del body[field]
    reply = staff.post("/api/products/", body)
    assert (reply.status, reply.body) == (400, {field: ["This field is required."]})


def test_the_longest_allowed_values_are_accepted(staff, jackets):
    reply = create(staff, jackets["id"], name="n" * 200, color="c" * 50, size="s" * 50)
    assert reply.status == 201


def test_an_unknown_category_creates_nothing(staff, api, jackets):
    create(staff, jackets["id"], category=999999, name="Orphan Jacket")
    assert api.get("/api/products/?search=orphan").body == []


def test_creating_a_product_anonymously_is_401(api, jackets):
    assert create(api, jackets["id"]).status == 401


def test_a_shopper_cannot_create_a_product(shopper, jackets):
    reply = create(shopper, jackets["id"])
    assert reply.status == 403
    assert set(reply.body) == {"detail"}


# --- reading ---------------------------------------------------------------------------


def test_anyone_reads_a_product(api, detailed_jacket):
    reply = api.get(f"/api/products/{detailed_jacket['id']}/")
    assert (reply.status, reply.body) == (200, detailed_jacket)


def test_reading_an_unknown_product_is_404(api):
    reply = api.get("/api/products/999999/")
    assert (reply.status, reply.body) == (404, NOT_FOUND)


# --- changing --------------------------------------------------------------------------


def test_patch_changes_only_the_fields_sent(staff, detailed_jacket):
    reply = staff.patch(f"/api/products/{detailed_jacket['id']}/", {"price": "1500.5"})
    assert reply.status == 200
    assert reply.body == {**detailed_jacket, "price": "1500.50"}


def test_put_replaces_the_product(staff, catalog, detailed_jacket):
    boots = catalog.category("Boots")
    body = {
        "name": "Black Boot", "description": "Dry", "price": "99.00", "category": boots["id"],
        "stock": 3, "color": "Black", "size": "42",
    }  # fmt: skip
    reply = staff.put(f"/api/products/{detailed_jacket['id']}/", body)
    assert reply.status == 200
    assert reply.body == {**detailed_jacket, **body, "category_name": "Boots"}


def test_put_requires_the_required_fields(staff, detailed_jacket):
    reply = staff.put(f"/api/products/{detailed_jacket['id']}/", {"stock": 3})
    assert reply.status == 400
    assert set(reply.body) == {"name", "price", "category"}


def test_put_keeps_optional_fields_it_does_not_send(staff, detailed_jacket):
    # As DRF's ModelSerializer does: fields left out of a PUT keep their values, so a
    # client that sends only what it edits does not wipe the stock or the description.
    body = {"name": "Renamed", "price": "10.00", "category": detailed_jacket["category"]}
    reply = staff.put(f"/api/products/{detailed_jacket['id']}/", body)
    assert reply.status == 200
    assert (reply.body["stock"], reply.body["description"]) == (400, "Warm")


def test_patch_validates_what_it_sends(staff, detailed_jacket):
    reply = staff.patch(f"/api/products/{detailed_jacket['id']}/", {"price": "-1", "stock": -5})
    assert reply.status == 400
    assert set(reply.body) == {"price", "stock"}


def test_moving_a_product_to_an_unknown_category_is_400_on_category(staff, api, detailed_jacket):
    reply = staff.patch(f"/api/products/{detailed_jacket['id']}/", {"category": 999999})
    assert reply.status == 400
    assert list(reply.body) == ["category"]
    assert api.get(f"/api/products/{detailed_jacket['id']}/").body == detailed_jacket


def test_moving_a_product_shows_the_new_category_name(staff, catalog, detailed_jacket):
    boots = catalog.category("Boots")
    reply = staff.patch(f"/api/products/{detailed_jacket['id']}/", {"category": boots["id"]})
    assert (reply.body["category"], reply.body["category_name"]) == (boots["id"], "Boots")


def test_a_change_keeps_the_id_and_creation_time(staff, detailed_jacket):
    body = staff.patch(f"/api/products/{detailed_jacket['id']}/", {"name": "Renamed"}).body
    assert (body["id"], body["created_at"]) == (
        detailed_jacket["id"],
        detailed_jacket["created_at"],
    )


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_changing_a_product_anonymously_is_401(api, detailed_jacket, method):
    assert (
        api.request(method, f"/api/products/{detailed_jacket['id']}/", {"stock": 0}).status == 401
    )


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_a_shopper_cannot_change_a_product(shopper, api, detailed_jacket, method):
    body = {"name": "Cheap", "price": "1.00", "category": detailed_jacket["category"]}
    reply = shopper.request(method, f"/api/products/{detailed_jacket['id']}/", body)
    assert reply.status == 403
    assert api.get(f"/api/products/{detailed_jacket['id']}/").body == detailed_jacket


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_changing_an_unknown_product_is_404(staff, jackets, method):
    body = {"name": "Ghost", "price": "1.00", "category": jackets["id"]}
    reply = staff.request(method, "/api/products/999999/", body)
    assert (reply.status, reply.body) == (404, NOT_FOUND)


# --- deleting --------------------------------------------------------------------------


def test_staff_delete_a_product(staff, api, detailed_jacket):
    reply = staff.delete(f"/api/products/{detailed_jacket['id']}/")
    assert (reply.status, reply.body) == (204, None)
    assert api.get(f"/api/products/{detailed_jacket['id']}/").status == 404
    assert api.get(f"/api/categories/{detailed_jacket['category']}/products/").body == []


def test_a_deleted_products_id_is_never_reused(staff, catalog, jackets, detailed_jacket):
    staff.delete(f"/api/products/{detailed_jacket['id']}/")
    assert catalog.product(jackets["id"], "Next")["id"] > detailed_jacket["id"]
