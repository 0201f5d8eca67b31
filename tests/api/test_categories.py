"""Categories (public reads, staff writes). Every test works on
categories of its own, so the module shares one set of tables."""
# ruff: noqa: F811  (test parameters name the fixtures imported from module_tables)

from __future__ import annotations

import pytest
from helpers import NOT_FOUND, TIMESTAMP

# Tables emptied once per module: these fixtures replace the per-test ones of the same names.
from module_tables import api, shopper, staff  # noqa: F401

# Each test here works on records of its own, so the module shares one set of tables
# (see tests/api/conftest.py).


def test_staff_create_a_category(staff):
    reply = staff.post("/api/categories/", {"name": "Jackets"})
    assert reply.status == 201
    assert set(reply.body) >= {"id", "name", "image", "created_at"}
    assert (reply.body["name"], reply.body["image"]) == ("Jackets", None)
    assert TIMESTAMP.match(reply.body["created_at"])


def test_creating_a_category_anonymously_is_401(api):
    reply = api.post("/api/categories/", {"name": "Jackets"})
    assert reply.status == 401
    assert set(reply.body) == {"detail"}


def test_a_shopper_cannot_create_a_category(shopper):
    reply = shopper.post("/api/categories/", {"name": "Jackets"})
    assert reply.status == 403
    assert set(reply.body) == {"detail"}


@pytest.mark.parametrize(
    "body",
    [{}, {"name": ""}, {"name": "   "}, {"name": "x" * 101}, {"name": None}, {"name": 7}],
    ids=["missing", "empty", "blank", "101-chars", "null", "number"],
)
def test_an_invalid_category_name_is_refused(staff, body):
    reply = staff.post("/api/categories/", body)
    assert reply.status == 400
    assert list(reply.body) == ["name"]


def test_a_hundred_character_name_is_accepted(staff):
    assert staff.post("/api/categories/", {"name": "x" * 100}).status == 201


def test_anyone_lists_the_categories_in_id_order(api, catalog):
    created = [catalog.category(name) for name in ("Jackets", "Boots", "Hats")]
    reply = api.get("/api/categories/?limit=500")
    assert reply.status == 200
    assert [c for c in reply.body if c in created] == created
    ids = [c["id"] for c in reply.body]
    assert ids == sorted(ids)


def test_following_the_next_links_lists_every_category_once(api, catalog):
    for name in ("Jackets", "Boots", "Hats"):
        catalog.category(name)
    whole = api.get("/api/categories/?limit=500").body
    first = api.get("/api/categories/?limit=2")
    assert len(first.body) == 2 and 'rel="next"' in first.headers["Link"]
    assert api.all_pages("/api/categories/?limit=2") == whole


def test_anyone_reads_a_category(api, jackets):
    reply = api.get(f"/api/categories/{jackets['id']}/")
    assert (reply.status, reply.body) == (200, jackets)


def test_reading_an_unknown_category_is_404(api):
    reply = api.get("/api/categories/999999/")
    assert (reply.status, reply.body) == (404, NOT_FOUND)


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_staff_rename_a_category(staff, jackets, method):
    reply = staff.request(method, f"/api/categories/{jackets['id']}/", {"name": "Coats"})
    assert reply.status == 200
    assert reply.body == {**jackets, "name": "Coats"}
    assert staff.get(f"/api/categories/{jackets['id']}/").body["name"] == "Coats"


def test_put_requires_the_name(staff, jackets):
    reply = staff.put(f"/api/categories/{jackets['id']}/", {})
    assert (reply.status, reply.body) == (400, {"name": ["This field is required."]})


def test_patch_validates_the_name(staff, jackets):
    reply = staff.patch(f"/api/categories/{jackets['id']}/", {"name": ""})
    assert reply.status == 400
    assert list(reply.body) == ["name"]


def test_patch_without_fields_changes_nothing(staff, jackets):
    reply = staff.patch(f"/api/categories/{jackets['id']}/", {})
    assert (reply.status, reply.body) == (200, jackets)


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_changing_a_category_anonymously_is_401(api, jackets, method):
    reply = api.request(method, f"/api/categories/{jackets['id']}/", {"name": "Coats"})
    assert reply.status == 401


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_a_shopper_cannot_change_a_category(shopper, api, jackets, method):
    reply = shopper.request(method, f"/api/categories/{jackets['id']}/", {"name": "Coats"})
    assert reply.status == 403
    assert api.get(f"/api/categories/{jackets['id']}/").body == jackets


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_changing_an_unknown_category_is_404(staff, method):
    reply = staff.request(method, "/api/categories/999999/", {"name": "Coats"})
    assert (reply.status, reply.body) == (404, NOT_FOUND)


def test_staff_delete_an_empty_category(staff, api, jackets):
    reply = staff.delete(f"/api/categories/{jackets['id']}/")
    assert (reply.status, reply.body) == (204, None)
    assert api.get(f"/api/categories/{jackets['id']}/").status == 404


def test_deleting_a_category_with_products_is_a_conflict(staff, catalog, jackets):
    catalog.product(jackets["id"])
    reply = staff.delete(f"/api/categories/{jackets['id']}/")
    assert reply.status == 409
    assert set(reply.body) == {"detail"}
    assert staff.get(f"/api/categories/{jackets['id']}/").status == 200


def test_a_category_can_be_deleted_once_its_products_are_gone(staff, catalog, jackets):
    products = [catalog.product(jackets["id"], name) for name in ("One", "Two")]
    for product in products:
        assert staff.delete(f"/api/products/{product['id']}/").status == 204
    assert staff.delete(f"/api/categories/{jackets['id']}/").status == 204


def test_a_category_can_be_deleted_once_its_products_moved_away(staff, catalog, jackets):
    boots = catalog.category("Boots")
    product = catalog.product(jackets["id"])
    staff.patch(f"/api/products/{product['id']}/", {"category": boots["id"]})
    assert staff.delete(f"/api/categories/{jackets['id']}/").status == 204
    assert staff.delete(f"/api/categories/{boots['id']}/").status == 409


def test_renaming_a_category_renames_it_on_its_products(staff, api, catalog, jackets):
    product = catalog.product(jackets["id"])
    staff.patch(f"/api/categories/{jackets['id']}/", {"name": "Coats"})
    assert api.get(f"/api/products/{product['id']}/").body["category_name"] == "Coats"
    listed = api.get(f"/api/categories/{jackets['id']}/products/").body
    assert [p["category_name"] for p in listed] == ["Coats"]


def test_a_category_lists_only_its_own_products(api, catalog, jackets):
    boots = catalog.category("Boots")
    mine = [catalog.product(jackets["id"], name) for name in ("One", "Two")]
    catalog.product(boots["id"], "Other")
    reply = api.get(f"/api/categories/{jackets['id']}/products/")
    assert (reply.status, reply.body) == (200, mine)


def test_a_category_product_list_is_filtered_ordered_and_paged(api, catalog, jackets):
    for name, price in (("One", "30.00"), ("Two", "10.00"), ("Three", "20.00")):
        catalog.product(jackets["id"], name, price=price)
    reply = api.get(f"/api/categories/{jackets['id']}/products/?ordering=-price&limit=1")
    assert [p["name"] for p in reply.body] == ["One"]
    assert 'rel="next"' in reply.headers["Link"]
    cheap = api.get(f"/api/categories/{jackets['id']}/products/?max_price=20&ordering=price")
    assert [p["name"] for p in cheap.body] == ["Two", "Three"]


def test_an_invalid_filter_on_a_category_product_list_is_400(api, jackets):
    assert api.get(f"/api/categories/{jackets['id']}/products/?in_stock=maybe").status == 400


def test_the_products_of_an_unknown_category_are_404(api):
    reply = api.get("/api/categories/999999/products/")
    assert (reply.status, reply.body) == (404, NOT_FOUND)


def test_the_products_of_an_empty_category_are_an_empty_list(api, jackets):
    reply = api.get(f"/api/categories/{jackets['id']}/products/")
    assert (reply.status, reply.body) == (200, [])
