"""Hostile input, endpoint family by endpoint family: forged cursors, numbers DynamoDB
cannot store, booleans for numbers, control characters, look-alike usernames, bodies
with several problems, malformed bodies. Each is a 4xx in DRF's shape, never a 500 and
never a silent acceptance, and no message shows the code's internals."""
# ruff: noqa: F811  (test parameters name the fixtures imported from module_tables)

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from typing import Any

import pytest
from helpers import INVALID_CURSOR, PASSWORD, Api, Catalog, People, next_link

# Tables emptied once per module: these fixtures replace the per-test ones of the same names.
from module_tables import api, shopper, staff  # noqa: F401

from chalicelib.domain.numbers import MAX_ID

# Each test works on records of its own (unique names), so the module shares one set of
# tables (see tests/api/conftest.py).

THIRTY_NINE_DIGITS = "1" * 39
TOO_LARGE = f"Ensure this value is less than or equal to {MAX_ID}."
NOT_AN_INTEGER = ["A valid integer is required."]


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def category(shared_catalog: Catalog) -> dict[str, Any]:
    return shared_catalog.category("Hostile")


@pytest.fixture(scope="module")
def product(shared_catalog: Catalog, category: dict[str, Any]) -> dict[str, Any]:
    return shared_catalog.product(category["id"], "Sturdy Boot", stock=50)


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def unkeyed_cursor(scope: str, key: Any) -> str:
    """A cursor made the way the first cursor format was: anyone could compute its
    digest, so anyone could put any key in it."""
    raw = json.dumps({"k": key, "s": scope}, sort_keys=True, separators=(",", ":")).encode()
    return f"{b64(raw)}.{hashlib.sha256(b'shop-api-cursor-v1' + raw).hexdigest()[:16]}"


# --- cursors ---------------------------------------------------------------------------


# Keys with the names each index expects (the first format checked only those) but values
# DynamoDB refuses: the first format passed them to the Query, a 500.
LISTS = [
    ("/api/products/", "products-id", {"id": {"S": "x"}, "scope": {"S": "P"}}),
    ("/api/categories/", "categories", {"id": {"N": THIRTY_NINE_DIGITS}, "scope": {"S": "C"}}),
    (
        "/api/ratings/",
        "ratings",
        {"id": None, "scope": {"S": "R"}, "product_id": {}, "user_id": {"N": "1"}},
    ),
    ("/api/users/", "users", {"id": {"N": 7}, "scope": {"N": "1"}}),
    ("/api/orders/", "orders", {"id": {"N": "1"}, "scope": {}}),
]


@pytest.mark.parametrize(("path", "scope", "key"), LISTS, ids=[p for p, _, _ in LISTS])
def test_a_forged_cursor_is_400_on_every_list(
    shared_staff: Api, path: str, scope: str, key: Any
) -> None:
    reply = shared_staff.get(f"{path}?cursor={unkeyed_cursor(scope, key)}")

    assert (reply.status, reply.body) == (400, INVALID_CURSOR)


@pytest.mark.parametrize("cursor", ["", ".", "a" * 5000, "%C2%B2.%C2%B2", "eyJ9.AAAA", "=.="])
def test_a_malformed_cursor_is_400(api: Api, cursor: str) -> None:
    reply = api.get(f"/api/categories/?cursor={cursor}&limit=1")

    assert reply.status in (200, 400)  # an empty cursor is "no cursor", as django-filter
    if cursor:
        assert (reply.status, reply.body) == (400, INVALID_CURSOR)


def test_a_cursor_the_api_issued_leads_to_the_next_page(
    api: Api, shared_catalog: Catalog, category: dict[str, Any]
) -> None:
    shared_catalog.category(unique("Second "))
    first = api.get("/api/categories/?limit=1")

    assert next_link(first) is not None
    assert api.next_page(first).status == 200  # type: ignore[union-attr]


# --- numbers ---------------------------------------------------------------------------


def test_a_negative_zero_price_is_stored_and_shown_as_zero(
    shared_staff: Api, category: dict[str, Any]
) -> None:
    body = {"name": unique("Free "), "price": "-0", "category": category["id"]}
    reply = shared_staff.post("/api/products/", body)

    assert reply.status == 201, reply.body
    assert reply.body["price"] == "0.00"
    assert shared_staff.get(f"/api/products/{reply.body['id']}/").body["price"] == "0.00"


@pytest.mark.parametrize("value", [True, False])
def test_a_boolean_is_no_product_id_in_the_cart(api: Api, value: bool, product: Any) -> None:
    guest = api.post("/api/cart/guest/").body
    cart = Api(api.client, {"X-Cart-Token": guest["cart_token"]})

    reply = cart.post("/api/cart/add_item/", {"product_id": value, "quantity": 1})

    assert (reply.status, reply.body) == (400, {"product_id": NOT_AN_INTEGER})


@pytest.mark.parametrize("field", ["category", "stock"])
def test_a_boolean_is_no_integer_in_a_product(
    shared_staff: Api, category: dict[str, Any], field: str
) -> None:
    body = {"name": unique("Boot "), "price": "1.00", "category": category["id"], field: True}

    reply = shared_staff.post("/api/products/", body)

    assert (reply.status, reply.body) == (400, {field: NOT_AN_INTEGER})


def test_an_order_refuses_a_boolean_product(shared_shopper: Api) -> None:
    body = {"shipping_address": "1 Main St", "order_items": [{"product": True, "quantity": 1}]}

    reply = shared_shopper.post("/api/orders/", body)

    assert (reply.status, reply.body) == (400, {"order_items": NOT_AN_INTEGER})


def test_a_39_digit_id_in_a_path_is_404(api: Api) -> None:
    for path in ("products", "categories", "ratings"):
        assert api.get(f"/api/{path}/{THIRTY_NINE_DIGITS}/").status == 404


def test_a_39_digit_user_id_in_a_token_is_401(api: Api) -> None:
    reply = api.as_token(f"{THIRTY_NINE_DIGITS}.secret").get("/api/users/me/")

    assert (reply.status, reply.body) == (401, {"detail": "Invalid token."})


@pytest.mark.parametrize("user_part", ["²", "١٢", "0", "-1", " 1"])
def test_a_token_whose_user_id_is_no_id_is_401(api: Api, user_part: str) -> None:
    reply = api.as_token(f"{user_part}.secret").get("/api/auth/user/")

    assert reply.status == 401


def test_a_guest_cart_token_with_a_superscript_digit_is_401(api: Api) -> None:
    reply = api.get("/api/cart/items/", headers={"X-Cart-Token": "².secret"})

    assert reply.status == 401


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/cart/add_item/", {"product_id": int(THIRTY_NINE_DIGITS)}, "product_id"),
        ("/api/cart/merge/", {"cart_id": int(THIRTY_NINE_DIGITS)}, "cart_id"),
    ],
)
def test_a_39_digit_integer_in_a_body_is_400(
    shared_shopper: Api, path: str, body: dict[str, Any], field: str
) -> None:
    reply = shared_shopper.post(path, body)

    assert (reply.status, reply.body) == (400, {field: [TOO_LARGE]})


def test_a_39_digit_rating_product_is_400(shared_shopper: Api) -> None:
    reply = shared_shopper.post("/api/ratings/", {"product": 10**38, "rating": 3})

    assert (reply.status, reply.body) == (400, {"product": [TOO_LARGE]})


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1e-200", "Ensure that there are no more than 130 decimal places."),
        ("1." + "1" * 38, "Ensure that there are no more than 38 digits in total."),
    ],
)
def test_a_price_filter_dynamodb_cannot_store_is_400(api: Api, value: str, message: str) -> None:
    reply = api.get(f"/api/products/?min_price={value}")

    assert (reply.status, reply.body) == (400, {"min_price": [message]})


def test_a_39_digit_filter_id_is_400(api: Api) -> None:
    reply = api.get(f"/api/ratings/?product={THIRTY_NINE_DIGITS}")

    assert (reply.status, reply.body) == (400, {"product": [TOO_LARGE]})


# --- text ------------------------------------------------------------------------------


def test_a_null_character_in_a_category_name_is_refused_as_drf_does(shared_staff: Api) -> None:
    reply = shared_staff.post("/api/categories/", {"name": "Hats\x00"})

    assert (reply.status, reply.body) == (400, {"name": ["Null characters are not allowed."]})


@pytest.mark.parametrize("character", ["\x07", "\x1b", "\x7f", "\x85", "\n"])
def test_a_control_character_in_a_product_name_is_refused(
    shared_staff: Api, category: dict[str, Any], character: str
) -> None:
    body = {"name": f"Boot{character}", "price": "1.00", "category": category["id"]}

    reply = shared_staff.post("/api/products/", body)

    assert (reply.status, reply.body) == (400, {"name": ["Control characters are not allowed."]})


def test_free_text_keeps_its_line_breaks_but_refuses_other_control_characters(
    shared_staff: Api, category: dict[str, Any]
) -> None:
    body = {"name": unique("Boot "), "price": "1.00", "category": category["id"]}
    kept = shared_staff.post("/api/products/", {**body, "description": "Warm\r\n\tand dry"})
    refused = shared_staff.post("/api/products/", {**body, "description": "Warm\x00"})

    assert kept.status == 201 and kept.body["description"] == "Warm\r\n\tand dry"
    assert (refused.status, refused.body) == (
        400,
        {"description": ["Null characters are not allowed."]},
    )


def test_a_control_character_in_a_shipping_address_or_comment_is_refused(
    shared_shopper: Api, product: dict[str, Any]
) -> None:
    order = shared_shopper.post(
        "/api/orders/",
        {
            "shipping_address": "1 Main St\x00",
            "order_items": [{"product": product["id"], "quantity": 1}],
        },
    )
    rating = shared_shopper.post(
        f"/api/products/{product['id']}/rate/", {"rating": 4, "comment": "ok\x1b[2J"}
    )

    assert order.status == 400 and "shipping_address" in order.body
    assert (rating.status, rating.body) == (
        400,
        {"comment": ["Control characters are not allowed."]},
    )


def test_a_null_character_in_a_username_or_password_is_refused(api: Api) -> None:
    reply = api.post(
        "/api/users/",
        {"username": "nul\x00", "password": f"{PASSWORD}\x00", "email": "nul@example.com"},
    )

    assert reply.status == 400
    assert set(reply.body) == {"username", "password"}
    assert reply.body["password"] == ["Null characters are not allowed."]


# --- usernames -------------------------------------------------------------------------


def test_a_full_width_username_is_the_ascii_one_at_signup_and_login(people: People) -> None:
    name = unique("wide")
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in name)

    user = people.signup(wide)
    twin = people.api.post(
        "/api/users/", {"username": name, "password": PASSWORD, "email": f"t{name}@example.com"}
    )

    assert user["username"] == name
    assert twin.status == 400 and "username" in twin.body
    assert people.token(wide) and people.token(name)


def test_a_rename_to_a_full_width_username_stores_the_ascii_one(people: People) -> None:
    name = unique("rename")
    user = people.signup(name)
    client = people.client(name)
    wide_new = "".join(chr(ord(c) + 0xFEE0) for c in "new") + name

    reply = client.patch(f"/api/users/{user['id']}/", {"username": wide_new})

    assert (reply.status, reply.body["username"]) == (200, f"new{name}")


# --- every problem at once -------------------------------------------------------------


def test_a_bad_price_does_not_hide_an_unknown_category(shared_staff: Api) -> None:
    body = {"name": unique("Boot "), "price": "-1", "category": 999_999}

    reply = shared_staff.post("/api/products/", body)

    assert reply.status == 400
    assert reply.body == {
        "price": ["Ensure this value is greater than or equal to 0."],
        "category": ['Invalid pk "999999" - object does not exist.'],
    }


def test_a_product_update_names_an_unknown_category_with_the_other_errors(
    shared_staff: Api, product: dict[str, Any]
) -> None:
    reply = shared_staff.patch(
        f"/api/products/{product['id']}/", {"stock": -1, "category": 999_999}
    )

    assert reply.status == 400 and set(reply.body) == {"stock", "category"}


def test_a_bad_score_does_not_hide_an_unknown_product(shared_shopper: Api) -> None:
    reply = shared_shopper.post("/api/ratings/", {"product": 999_999, "rating": 9})

    assert reply.status == 400 and set(reply.body) == {"rating", "product"}


def test_a_bad_email_does_not_hide_a_weak_password(api: Api) -> None:
    reply = api.post(
        "/api/users/", {"username": unique("weak"), "password": "123", "email": "not-an-email"}
    )

    assert reply.status == 400
    assert reply.body == {
        "password": [
            "This password is too short. It must contain at least 8 characters.",
            "This password is entirely numeric.",
        ],
        "email": ["Enter a valid email address."],
    }


# --- messages never show internals -----------------------------------------------------

INTERNALS = (
    "OrderItemCreate",
    "Schema",
    "boundary character",
    "recursion",
    "Traceback",
    "pydantic",
    "Input should",
)


def assert_no_internals(body: Any) -> None:
    text = json.dumps(body)
    assert not any(word in text for word in INTERNALS), text


@pytest.mark.parametrize("items", [["x"], [1], "x", {"product": 1}, [None]])
def test_malformed_order_items_are_described_without_class_names(
    shared_shopper: Api, items: Any
) -> None:
    reply = shared_shopper.post(
        "/api/orders/", {"shipping_address": "1 Main St", "order_items": items}
    )

    assert reply.status == 400 and "order_items" in reply.body
    assert_no_internals(reply.body)


@pytest.mark.parametrize(
    "body",
    [
        b'--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nHats\r\n--x',
        b"--b\r\n\r\n\r\n",
        b"garbage",
        b'--b\r\nContent-Disposition: form-data; name="name"\r\nHats\r\n--b--\r\n',
    ],
)
def test_a_malformed_multipart_body_is_400_without_the_parsers_text(
    shared_staff: Api, body: bytes
) -> None:
    reply = shared_staff.request(
        "POST",
        "/api/categories/",
        headers={"Content-Type": "multipart/form-data; boundary=b"},
        raw=body,
    )

    assert reply.status == 400, reply.body
    assert_no_internals(reply.body)


def test_a_deeply_nested_json_body_is_400_without_pythons_text(api: Api) -> None:
    reply = api.post("/api/users/", raw="[" * 100_000 + "]" * 100_000)

    assert reply.status in (400, 413)
    assert_no_internals(reply.body)


def test_a_lone_surrogate_is_refused_as_drf_does(api: Api) -> None:
    reply = api.post("/api/auth/login/", raw='{"username": "\\ud800", "password": "x"}')

    assert (reply.status, reply.body) == (
        400,
        {"detail": "JSON parse error - Surrogate characters are not allowed."},
    )


# --- PUT keeps what it does not send, PATCH changes only what it sends -----------------


def test_put_of_a_rating_without_a_comment_keeps_the_comment(
    people: People, product: dict[str, Any]
) -> None:
    name = unique("rater")
    people.signup(name)
    client = people.client(name)
    rating = client.post(
        f"/api/products/{product['id']}/rate/", {"rating": 2, "comment": "Too small"}
    ).body

    replaced = client.put(f"/api/ratings/{rating['id']}/", {"rating": 4})
    patched = client.patch(f"/api/ratings/{rating['id']}/", {"comment": "Fine after all"})

    assert (replaced.status, replaced.body["rating"]) == (200, 4)
    assert replaced.body["comment"] == "Too small"
    assert (patched.body["rating"], patched.body["comment"]) == (4, "Fine after all")


def test_put_of_a_rating_requires_the_rating(people: People, product: dict[str, Any]) -> None:
    name = unique("rater")
    people.signup(name)
    client = people.client(name)
    rating = client.post(f"/api/products/{product['id']}/rate/", {"rating": 2}).body

    reply = client.put(f"/api/ratings/{rating['id']}/", {"comment": "no score"})

    assert (reply.status, reply.body) == (400, {"rating": ["This field is required."]})


def test_put_of_a_product_keeps_the_optional_fields_it_does_not_send(
    shared_staff: Api, shared_catalog: Catalog, category: dict[str, Any]
) -> None:
    made = shared_catalog.product(
        category["id"], unique("Boot "), description="Warm", color="Red", size="L", stock=7
    )

    reply = shared_staff.put(
        f"/api/products/{made['id']}/",
        {"name": made["name"], "price": "2.00", "category": category["id"]},
    )

    assert reply.status == 200, reply.body
    kept = {k: reply.body[k] for k in ("description", "color", "size", "stock")}
    assert (reply.body["price"], kept) == (
        "2.00",
        {"description": "Warm", "color": "Red", "size": "L", "stock": 7},
    )


def test_put_of_a_category_keeps_its_image(shared_staff: Api) -> None:
    from sample_images import multipart, png

    content_type, form = multipart({"name": unique("Caps ")}, {"image": ("caps.png", png())})
    made = shared_staff.request(
        "POST", "/api/categories/", headers={"Content-Type": content_type}, raw=form
    ).body

    reply = shared_staff.put(f"/api/categories/{made['id']}/", {"name": unique("Hats ")})

    assert reply.status == 200 and reply.body["image"] == made["image"]


def test_put_of_a_user_keeps_the_optional_fields_it_does_not_send(people: People) -> None:
    name = unique("keeper")
    user = people.signup(name, phone="555-0100", address="1 Main St", first_name="Ann")
    client = people.client(name)

    reply = client.put(
        f"/api/users/{user['id']}/", {"username": name, "email": f"new{name}@example.com"}
    )

    assert reply.status == 200, reply.body
    kept = {k: reply.body[k] for k in ("phone", "address", "first_name")}
    assert kept == {"phone": "555-0100", "address": "1 Main St", "first_name": "Ann"}


def test_put_of_an_order_keeps_its_status(shared_shopper: Api, product: dict[str, Any]) -> None:
    order = shared_shopper.post(
        "/api/orders/",
        {
            "shipping_address": "1 Main St",
            "order_items": [{"product": product["id"], "quantity": 1}],
        },
    ).body

    reply = shared_shopper.put(f"/api/orders/{order['id']}/", {"shipping_address": "2 Elm St"})

    assert reply.status == 200, reply.body
    assert (reply.body["shipping_address"], reply.body["status"]) == ("2 Elm St", "Pending")
