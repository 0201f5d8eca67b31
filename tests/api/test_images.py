"""Category and product images over HTTP, sent as chalice local passes
them (raw) and as API Gateway passes them (base64)."""

from __future__ import annotations

import json
import re
import urllib.request
from typing import Any

import pytest
from helpers import bucket_keys
from sample_images import gateway_event, image_bytes, multipart, png

from chalicelib.config import get_settings
from chalicelib.services.images import MAX_IMAGE_BYTES, NOT_AN_IMAGE

# Some tests point the app at an S3 bucket that does not exist.
pytestmark = pytest.mark.dynamodb

PRODUCT_FIELDS = {"name": "White Jacket", "price": "1400.00", "stock": "400", "color": "White"}
NOT_A_FILE = "The submitted data was not a file. Check the encoding type on the form."


class LambdaContext:
    aws_request_id = "test-request"
    function_name = "shop-api"


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()  # type: ignore[no-any-return]


def send_form(
    client: Any,
    method: str,
    path: str,
    fields: dict[str, Any],
    files: dict[str, tuple[str, bytes]] | None = None,
) -> Any:
    content_type, body = multipart(fields, files)
    return client.request(method, path, headers={"Content-Type": content_type}, raw=body)


def through_api_gateway(
    client: Any, method: str, resource: str, path: str, fields: dict[str, Any], files: Any
) -> tuple[int, Any]:
    """The request as a Lambda proxy event with a base64 body, straight into the app."""
    from app import app

    content_type, body = multipart(fields, files)
    headers = {"Content-Type": content_type, **client.default_headers}
    parameters = dict(zip(re.findall(r"{(\w+)}", resource), re.findall(r"\d+", path), strict=True))
    event = gateway_event(method, resource, path, headers, body, parameters or None)
    response = app(event, LambdaContext())
    return response["statusCode"], json.loads(response["body"]) if response["body"] else None


@pytest.fixture
def with_image(staff: Any, jackets: dict[str, Any]) -> dict[str, Any]:
    fields = {**PRODUCT_FIELDS, "category": jackets["id"]}
    reply = send_form(staff, "POST", "/api/products/", fields, {"image": ("old.png", png())})
    assert reply.status == 201, reply.body
    return reply.body  # type: ignore[no-any-return]


def key_of(url: str) -> str:
    return url.split(f"/{get_settings().media_bucket}/", 1)[1]


# --- uploading ---------------------------------------------------------------------------


def test_staff_create_a_product_with_an_image_from_a_form(staff, jackets):
    content = image_bytes("JPEG")
    fields = {**PRODUCT_FIELDS, "category": jackets["id"]}

    reply = send_form(staff, "POST", "/api/products/", fields, {"image": ("cowsorus.jpg", content)})

    assert reply.status == 201, reply.body
    assert (reply.body["name"], reply.body["price"], reply.body["stock"]) == (
        "White Jacket",
        "1400.00",
        400,
    )
    assert re.fullmatch(r"http://.+/products/cowsorus_[A-Za-z0-9]{7}\.jpg", reply.body["image"])
    assert fetch(reply.body["image"]) == content


def test_a_product_image_sent_through_api_gateway_base64_arrives_intact(staff, jackets):
    content = image_bytes("WEBP")
    fields = {**PRODUCT_FIELDS, "category": jackets["id"]}

    status, body = through_api_gateway(
        staff, "POST", "/api/products", "/api/products/", fields, {"image": ("a.webp", content)}
    )

    assert status == 201, body
    assert body["image"].endswith(".webp")
    assert fetch(body["image"]) == content


@pytest.mark.parametrize("route", ["raw", "api-gateway"])
def test_staff_create_a_category_with_an_image(staff, route):
    content = image_bytes("GIF")
    files = {"image": ("cowsorus.gif", content)}
    if route == "raw":
        reply = send_form(staff, "POST", "/api/categories/", {"name": "Hats"}, files)
        status, body = reply.status, reply.body
    else:
        status, body = through_api_gateway(
            staff, "POST", "/api/categories", "/api/categories/", {"name": "Hats"}, files
        )

    assert status == 201, body
    assert re.fullmatch(r"http://.+/categories/cowsorus_[A-Za-z0-9]{7}\.gif", body["image"])
    assert fetch(body["image"]) == content


def test_the_image_is_named_by_its_content_not_its_file_name(staff):
    files = {"image": ("holiday.gif", png())}
    reply = send_form(staff, "POST", "/api/categories/", {"name": "Hats"}, files)
    assert reply.body["image"].endswith(".png")


def test_a_form_without_an_image_creates_a_product_without_one(staff, jackets):
    fields = {**PRODUCT_FIELDS, "category": jackets["id"]}
    reply = send_form(staff, "POST", "/api/products/", fields)
    assert (reply.status, reply.body["image"]) == (201, None)


def test_form_fields_are_validated_like_json_fields(staff, jackets):
    fields = {**PRODUCT_FIELDS, "price": "cheap", "category": jackets["id"]}

    reply = send_form(staff, "POST", "/api/products/", fields, {"image": ("a.png", png())})

    assert (reply.status, reply.body) == (400, {"price": ["A valid number is required."]})
    assert bucket_keys() == []


def test_a_file_that_is_not_an_image_is_a_field_error(staff, jackets):
    fields = {**PRODUCT_FIELDS, "category": jackets["id"]}
    files = {"image": ("cat.png", b"#!/bin/sh\necho not a picture\n")}

    reply = send_form(staff, "POST", "/api/products/", fields, files)

    assert (reply.status, reply.body) == (400, {"image": [NOT_AN_IMAGE]})
    assert bucket_keys() == []
    assert staff.get("/api/products/").body == []


def test_a_body_over_the_size_limit_is_413(staff, jackets):
    fields = {**PRODUCT_FIELDS, "category": jackets["id"]}
    files = {"image": ("huge.png", png() + b"\0" * (MAX_IMAGE_BYTES + 100_000))}

    reply = send_form(staff, "POST", "/api/products/", fields, files)

    assert reply.status == 413
    assert set(reply.body) == {"detail"}


def test_an_unauthenticated_upload_is_401_and_stores_nothing(api, jackets):
    fields = {**PRODUCT_FIELDS, "category": jackets["id"]}
    reply = send_form(api, "POST", "/api/products/", fields, {"image": ("a.png", png())})
    assert (reply.status, bucket_keys()) == (401, [])


def test_a_shopper_cannot_upload(shopper, jackets):
    reply = send_form(
        shopper, "PATCH", f"/api/categories/{jackets['id']}/", {}, {"image": ("a.png", png())}
    )
    assert (reply.status, bucket_keys()) == (403, [])


def test_another_content_type_is_415(staff):
    reply = staff.post("/api/categories/", raw=b"name=Hats", headers={"Content-Type": "text/plain"})
    assert reply.status == 415


def test_image_urls_use_the_media_base_url_when_one_is_configured(
    staff, jackets, settings, monkeypatch
):
    monkeypatch.setattr(settings, "media_base_url", "https://media.example.com/")
    files = {"image": ("a.png", png())}

    reply = send_form(staff, "POST", "/api/categories/", {"name": "Hats"}, files)

    assert re.fullmatch(r"https://media\.example\.com/categories/a_\w{7}\.png", reply.body["image"])


# --- replacing, removing and deleting ------------------------------------------------------


def test_patching_a_new_image_replaces_and_deletes_the_old_one(staff, with_image):
    path = f"/api/products/{with_image['id']}/"
    content = image_bytes("PNG", size=(3, 3))

    reply = send_form(staff, "PATCH", path, {"name": "Renamed"}, {"image": ("new.png", content)})

    assert (reply.status, reply.body["name"]) == (200, "Renamed")
    assert fetch(reply.body["image"]) == content
    assert bucket_keys() == [key_of(reply.body["image"])]


def test_patching_image_null_removes_the_image_and_its_object(staff, with_image):
    reply = staff.patch(f"/api/products/{with_image['id']}/", {"image": None})

    assert (reply.status, reply.body["image"]) == (200, None)
    assert bucket_keys() == []


def test_an_empty_image_field_in_a_form_removes_the_image(staff, with_image):
    reply = send_form(staff, "PATCH", f"/api/products/{with_image['id']}/", {"image": ""})
    assert (reply.status, reply.body["image"], bucket_keys()) == (200, None, [])


def test_a_json_patch_without_image_keeps_it(staff, with_image):
    reply = staff.patch(f"/api/products/{with_image['id']}/", {"stock": 3})
    assert (reply.body["image"], bucket_keys()) == (
        with_image["image"],
        [key_of(with_image["image"])],
    )


def test_an_image_given_as_text_is_a_field_error(staff, with_image):
    reply = staff.patch(f"/api/products/{with_image['id']}/", {"image": "http://x/y.png"})
    assert (reply.status, reply.body) == (400, {"image": [NOT_A_FILE]})


def test_put_from_a_form_replaces_a_category_image(staff):
    created = send_form(
        staff, "POST", "/api/categories/", {"name": "Hats"}, {"image": ("a.png", png())}
    )
    path = f"/api/categories/{created.body['id']}/"

    reply = send_form(staff, "PUT", path, {"name": "Caps"}, {"image": ("b.png", png())})

    assert (reply.status, reply.body["name"]) == (200, "Caps")
    assert bucket_keys() == [key_of(reply.body["image"])]


def test_a_patch_through_api_gateway_replaces_the_image(staff, with_image):
    path = f"/api/products/{with_image['id']}/"
    status, body = through_api_gateway(
        staff,
        "PATCH",
        "/api/products/{product_id}",
        path,
        {},
        {"image": ("b.gif", image_bytes("GIF"))},
    )
    assert (status, bucket_keys()) == (200, [key_of(body["image"])])


def test_deleting_a_product_deletes_its_image(staff, with_image):
    assert staff.delete(f"/api/products/{with_image['id']}/").status == 204
    assert bucket_keys() == []


def test_deleting_a_category_deletes_its_image(staff):
    created = send_form(
        staff, "POST", "/api/categories/", {"name": "Hats"}, {"image": ("a.png", png())}
    )
    assert staff.delete(f"/api/categories/{created.body['id']}/").status == 204
    assert bucket_keys() == []


def test_a_failed_image_write_is_503_and_changes_nothing(staff, with_image, settings, monkeypatch):
    monkeypatch.setattr(settings, "media_bucket", "no-such-bucket")
    path = f"/api/products/{with_image['id']}/"

    reply = send_form(staff, "PATCH", path, {"name": "Renamed"}, {"image": ("new.png", png())})

    assert (reply.status, "Retry-After" in reply.headers) == (503, True)
    monkeypatch.undo()
    assert staff.get(path).body == with_image
